package lockedmaps

import (
	"slices"
	"sync"
)

// A slice index found under a lock and used to remove under the lock
// taken again (textbook set 5, t14): another Unsubscribe in between
// removes an earlier subscriber and swaps the last one into place, and
// the saved index then drops a connected subscriber, or lies past the end.

type roomSub struct{ c chan string }

type chatRoom struct {
	mu   sync.RWMutex
	subs []*roomSub
}

func (r *chatRoom) indexOf(s *roomSub) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	for i, x := range r.subs {
		if x == s {
			return i
		}
	}
	return -1
}

func (r *chatRoom) removeAt(i int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	last := len(r.subs) - 1
	r.subs[i] = r.subs[last]
	r.subs[last] = nil
	r.subs = r.subs[:last]
}

func (r *chatRoom) Unsubscribe(s *roomSub) {
	i := r.indexOf(s)
	if i < 0 {
		return
	}
	r.removeAt(i) // want `r.removeAt\(i\) writes r.subs at the index that r.indexOf\(s\) found on line 41 under a lock released since: another goroutine can change r.subs in between, and the index then names another element or lies past the end; find the element and write under one lock, or look for it again under the writer's`
}

// The same with an order-keeping delete.
func (r *chatRoom) deleteAt(i int) {
	r.mu.Lock()
	r.subs = append(r.subs[:i], r.subs[i+1:]...)
	r.mu.Unlock()
}

func (r *chatRoom) Leave(s *roomSub) {
	if i := r.indexOf(s); i >= 0 {
		r.deleteAt(i) // want `r.deleteAt\(i\) writes r.subs at the index that r.indexOf\(s\) found`
	}
}

// Near-miss: the writer looks at the element again under its lock.
func (r *chatRoom) removeIf(i int, s *roomSub) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if i >= len(r.subs) || r.subs[i] != s {
		return
	}
	r.subs = append(r.subs[:i], r.subs[i+1:]...)
}

func (r *chatRoom) UnsubscribeChecked(s *roomSub) {
	if i := r.indexOf(s); i >= 0 {
		r.removeIf(i, s)
	}
}

// Near-miss: one lock held across the search and the write.
func (r *chatRoom) UnsubscribeHeld(s *roomSub) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, x := range r.subs {
		if x == s {
			r.subs = append(r.subs[:i], r.subs[i+1:]...)
			return
		}
	}
}

// Near-miss: a read at the index is no write.
func (r *chatRoom) at(i int) *roomSub {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.subs[i]
}

func (r *chatRoom) Find(s *roomSub) *roomSub {
	if i := r.indexOf(s); i >= 0 {
		return r.at(i)
	}
	return nil
}

// The same found with slices.IndexFunc and removed with slices.Delete
// (textbook set 8, t10): a health check and an admin drain removing two
// backends at once can drop a healthy one and keep the dead one.
type lbBackend struct{ addr string }

type lbPool struct {
	mu       sync.RWMutex
	backends []*lbBackend
}

func (p *lbPool) indexOf(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.IndexFunc(p.backends, func(b *lbBackend) bool { return b.addr == addr })
}

func (p *lbPool) removeAt(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.backends = slices.Delete(p.backends, i, i+1)
}

func (p *lbPool) Remove(addr string) bool {
	i := p.indexOf(addr)
	if i < 0 {
		return false
	}
	p.removeAt(i) // want `p.removeAt\(i\) writes p.backends at the index that p.indexOf\(addr\) found`
	return true
}

// Near-miss: the writer finds the element again under its own lock.
func (p *lbPool) removeAddr(addr string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if i := slices.IndexFunc(p.backends, func(b *lbBackend) bool { return b.addr == addr }); i >= 0 {
		p.backends = slices.Delete(p.backends, i, i+1)
	}
}

func (p *lbPool) Drain(addr string) bool {
	if p.indexOf(addr) < 0 {
		return false
	}
	p.removeAddr(addr)
	return true
}

// Near-miss: a count handed to a writer that grows the slice is no index.
func (p *lbPool) grow(n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.backends = slices.Grow(p.backends, n)
}

func (p *lbPool) Reserve(addr string) {
	i := p.indexOf(addr)
	p.grow(i + 1)
}
