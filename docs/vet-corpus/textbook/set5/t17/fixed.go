package t17

// tryRetainFixed increments the count only from a positive value, using a
// CAS loop so the liveness check and the increment are one atomic step. A
// decoder whose count reached zero can never be resurrected.
func (d *Decoder) tryRetainFixed() bool {
	for {
		n := d.refs.Load()
		if n <= 0 {
			return false
		}
		if d.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// AcquireFixed returns a retained decoder for profile.
func (p *Pool) AcquireFixed(profile string) *Decoder {
	p.mu.Lock()
	defer p.mu.Unlock()
	if d := p.decoders[profile]; d != nil && d.tryRetainFixed() {
		return d
	}
	nd := &Decoder{Profile: profile}
	nd.refs.Store(1)
	if p.decoders == nil {
		p.decoders = make(map[string]*Decoder)
	}
	p.decoders[profile] = nd
	return nd
}
