// Package p23 limits concurrent uploads with a mutex and condition variable.
//
// BUG: Acquire tests active >= max with "if" and, after Wait returns, takes a
// slot without re-checking. Release broadcasts; before waiter A reacquires the
// mutex, newcomer B takes the freed slot, then A also proceeds: active becomes
// max+1 and more uploads run than the memory budget allows.
package p23

import "sync"

// Limiter is safe for concurrent use by upload handlers.
type Limiter struct {
	mu     sync.Mutex
	cond   *sync.Cond
	active int
	max    int
}

// NewLimiter allows max concurrent holders.
func NewLimiter(max int) *Limiter {
	l := &Limiter{max: max}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// Acquire blocks until a slot is free and takes it.
func (l *Limiter) Acquire() {
	l.mu.Lock()
	if l.active >= l.max {
		l.cond.Wait()
	}
	l.active++
	l.mu.Unlock()
}

// Release frees a slot.
func (l *Limiter) Release() {
	l.mu.Lock()
	l.active--
	l.mu.Unlock()
	l.cond.Broadcast()
}
