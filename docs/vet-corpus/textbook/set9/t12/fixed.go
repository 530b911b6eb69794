package t12

// Fix: replace "check alive, then increment" with a single CompareAndSwap
// loop, tryIncRefFixed, that increments only from a non-zero value. Once
// refs has reached 0 it can never go back up, so a handle whose onZero has
// run (or is about to) is never handed out; AcquireFixed opens a fresh file
// instead. The old handle's onZero removes only itself (remove compares
// identity), so it does not evict the fresh handle.

import (
	"io"
	"os"
)

// tryIncRefFixed atomically increments refs if and only if it is non-zero.
func (r *refCounter) tryIncRefFixed() bool {
	for {
		n := r.refs.Load()
		if n == 0 {
			return false
		}
		if r.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// AcquireFixed returns a referenced, open handle for path.
func (t *Table) AcquireFixed(path string) (*handle, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.open[path]; ok && h.tryIncRefFixed() {
		return h, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h := &handle{path: path, f: f}
	h.refs.Store(1)
	h.onZero = func() {
		h.f.Close()
		t.remove(h)
	}
	t.open[path] = h
	return h, nil
}

// ReadRecordFixed is ReadRecord using AcquireFixed.
func (t *Table) ReadRecordFixed(path string, off int64, n int) ([]byte, error) {
	h, err := t.AcquireFixed(path)
	if err != nil {
		return nil, err
	}
	defer t.Release(h)
	buf := make([]byte, n)
	if _, err := h.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, err
	}
	return buf, nil
}
