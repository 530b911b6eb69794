package t10

// FIX: look the backend up and delete it inside the same write-locked
// critical section, so the index used for the deletion is the index that
// was just found in the current slice.

import "slices"

// RemoveFixed takes addr out of rotation.
func (p *Pool) RemoveFixed(addr string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	i := slices.IndexFunc(p.backends, func(b *Backend) bool { return b.Addr == addr })
	if i < 0 {
		return false
	}
	p.backends = slices.Delete(p.backends, i, i+1)
	if p.next >= len(p.backends) {
		p.next = 0
	}
	return true
}
