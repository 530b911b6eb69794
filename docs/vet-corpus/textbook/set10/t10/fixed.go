package t10

// Fix: "is the count still positive?" and "increment it" are fused into one
// compare-and-swap loop. A reference is only taken from a non-zero count
// that has not changed since it was read; once the count has reached zero
// it can never be resurrected, so closeTransport runs exactly once and no
// stream can obtain a handle to a closed socket.

// AcquireFixed takes a reference for a new stream if the transport is alive.
func (t *Transport) AcquireFixed() (*Handle, error) {
	for {
		n := t.refs.Load()
		if n <= 0 {
			return nil, ErrTransportClosed
		}
		if t.refs.CompareAndSwap(n, n+1) {
			return &Handle{t: t}, nil
		}
	}
}

// StreamFixed opens a stream handle using AcquireFixed.
func (c *Client) StreamFixed() (*Handle, error) { return c.tr.AcquireFixed() }
