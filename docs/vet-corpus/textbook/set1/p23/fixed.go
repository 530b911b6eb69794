package p23

import "sync"

// LimiterFixed is safe for concurrent use by upload handlers.
type LimiterFixed struct {
	mu     sync.Mutex
	cond   *sync.Cond
	active int
	max    int
}

// NewLimiterFixed allows max concurrent holders.
func NewLimiterFixed(max int) *LimiterFixed {
	l := &LimiterFixed{max: max}
	l.cond = sync.NewCond(&l.mu)
	return l
}

// AcquireFixed blocks until a slot is free and takes it, re-checking the
// condition after every wake-up.
func (l *LimiterFixed) AcquireFixed() {
	l.mu.Lock()
	for l.active >= l.max {
		l.cond.Wait()
	}
	l.active++
	l.mu.Unlock()
}

// ReleaseFixed frees a slot.
func (l *LimiterFixed) ReleaseFixed() {
	l.mu.Lock()
	l.active--
	l.mu.Unlock()
	l.cond.Broadcast()
}
