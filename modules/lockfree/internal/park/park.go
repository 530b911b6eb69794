// Package park keeps a FIFO list of parked goroutines for the lockfree queues.
//
// A parked goroutine blocks in a channel receive, so it uses no CPU until it is
// woken. Notifiers check an atomic waiter count before taking the list's mutex,
// so a notification with nobody parked costs one atomic load of a line that is
// only written when a goroutine parks or leaves.
//
// Protocol (a lost wake-up is impossible when it is followed):
//
//	w := l.Enlist()             // 1. become visible to notifiers
//	if conditionHolds() {       // 2. re-check after enlisting
//		if l.Cancel(w) {        //    a notification aimed at us was not used:
//			l.NotifyOne()       //    pass it on
//		}
//		return
//	}
//	select {
//	case <-w.C():               // 3a. woken: l.Release(w), then retry
//	case <-ctx.Done():          // 3b. gave up: Cancel and pass on, as in 2
//	}
//
// The side that makes the condition true first publishes (an atomic store) and
// then calls NotifyOne; the waiter first enlists (an atomic add) and then
// re-checks. Go's atomics are sequentially consistent, so either the notifier
// sees the waiter or the waiter sees the published state.
package park

import (
	"sync"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree/internal/cacheline"
)

// Waiter is one parked goroutine's entry in a List.
type Waiter struct {
	ch         chan struct{} // capacity 1: the notifier's send never blocks
	prev, next *Waiter
	listed     bool // guarded by the List's mutex
}

// C returns the channel that receives the wake-up.
func (w *Waiter) C() <-chan struct{} { return w.ch }

var waiterPool = sync.Pool{New: func() any { return &Waiter{ch: make(chan struct{}, 1)} }}

// List is a FIFO of parked goroutines. The zero value is an empty list.
type List struct {
	n  atomic.Int64             // number of listed waiters, read without the mutex by notifiers
	_  [cacheline.Size - 8]byte // keep the hot read-mostly count off the mutex's line
	mu sync.Mutex
	hd *Waiter
	tl *Waiter
	_  [cacheline.Size - 24]byte // keep the next field of the owner off the mutex's line
}

// Enlist appends a new waiter to the list and returns it. The caller must
// re-check its condition after Enlist and then either Cancel the waiter or wait
// on its channel and Release it.
func (l *List) Enlist() *Waiter {
	w := waiterPool.Get().(*Waiter)
	l.mu.Lock()
	w.listed = true
	w.prev = l.tl
	if l.tl == nil {
		l.hd = w
	} else {
		l.tl.next = w
	}
	l.tl = w
	l.n.Add(1)
	l.mu.Unlock()
	return w
}

// unlink removes w from the list. l.mu must be held and w must be listed.
func (l *List) unlink(w *Waiter) {
	if w.prev == nil {
		l.hd = w.next
	} else {
		w.prev.next = w.next
	}
	if w.next == nil {
		l.tl = w.prev
	} else {
		w.next.prev = w.prev
	}
	w.prev, w.next, w.listed = nil, nil, false
	l.n.Add(-1)
}

// Release returns a waiter whose wake-up has been received to the pool.
func (l *List) Release(w *Waiter) { waiterPool.Put(w) }

// Cancel removes w from the list if it is still listed. It reports whether a
// notifier had already chosen w: that notification was consumed by w and the
// caller must pass it on with NotifyOne unless it acted on it.
func (l *List) Cancel(w *Waiter) (notified bool) {
	l.mu.Lock()
	if w.listed {
		l.unlink(w)
		l.mu.Unlock()
		waiterPool.Put(w)
		return false
	}
	l.mu.Unlock()
	// The notifier sent while holding the mutex, so the token is already buffered.
	<-w.ch
	waiterPool.Put(w)
	return true
}

// NotifyOne wakes the longest-waiting goroutine, if any. With nobody parked
// it is one atomic load, inlined into the caller.
func (l *List) NotifyOne() {
	if l.n.Load() != 0 {
		l.notifyOne()
	}
}

func (l *List) notifyOne() {
	l.mu.Lock()
	if w := l.hd; w != nil {
		l.unlink(w)
		w.ch <- struct{}{}
	}
	l.mu.Unlock()
}

// NotifyAll wakes every goroutine that is listed when it is called.
func (l *List) NotifyAll() {
	l.mu.Lock()
	for w := l.hd; w != nil; w = l.hd {
		l.unlink(w)
		w.ch <- struct{}{}
	}
	l.mu.Unlock()
}

// Len returns the number of listed waiters.
func (l *List) Len() int { return int(l.n.Load()) }
