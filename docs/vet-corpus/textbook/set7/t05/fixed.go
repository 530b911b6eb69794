// Fix: a reference is taken with a CompareAndSwap loop that only increments a
// count that is still positive, so "still alive" and "retain" are one atomic
// step and a segment whose count reached zero can never be resurrected.

package t05

type refCountedFixed interface {
	tryRetainFixed() bool
	Release()
}

func (s *Segment) tryRetainFixed() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

func acquireRefFixed(r refCountedFixed) bool { return r.tryRetainFixed() }

// AcquireFixed returns the named segment with a reference held for the caller.
func (c *SegmentCache) AcquireFixed(name string) (*Segment, error) {
	c.mu.Lock()
	s, ok := c.segs[name]
	if !ok {
		var err error
		if s, err = c.openLocked(name); err != nil {
			c.mu.Unlock()
			return nil, err
		}
	}
	c.mu.Unlock()

	if !acquireRefFixed(s) {
		return nil, ErrEvicted
	}
	return s, nil
}
