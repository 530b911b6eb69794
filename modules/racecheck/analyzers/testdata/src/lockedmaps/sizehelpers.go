package lockedmaps

// A bound checked through one locking helper and kept by inserting
// through another: each takes the lock itself, so the lock is released
// between the check and the insert.

import (
	"container/list"
	"context"
	"sync"
)

// platinummonkey/go-concurrency-limits limiter/queue_blocking.go at
// 5270b8f5 (fixed in b66c8dd, go-concurrency-limits#204): the backlog's
// len() and push() each lock the queue; two callers that both see room for
// one more waiter both push, and the backlog, bounded "so the queue doesn't
// grow unbounded during an outage", grows past maxBacklogSize.
type backlogQueue struct {
	mu   sync.RWMutex
	list *list.List
}

func (q *backlogQueue) len() uint64 {
	q.mu.RLock()
	defer q.mu.RUnlock()
	return uint64(q.list.Len())
}

func (q *backlogQueue) push(ctx context.Context) chan struct{} {
	q.mu.Lock()
	defer q.mu.Unlock()
	release := make(chan struct{})
	q.list.PushFront(release)
	return release
}

// The fix: one method checks the length and pushes under one lock.
func (q *backlogQueue) pushWithCapacity(ctx context.Context, capacity uint64) (chan struct{}, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if uint64(q.list.Len()) >= capacity {
		return nil, false
	}
	release := make(chan struct{})
	q.list.PushFront(release)
	return release, true
}

type queueBlockingLimiter struct {
	maxBacklogSize uint64
	backlog        *backlogQueue
}

func (l *queueBlockingLimiter) tryAcquire(ctx context.Context) chan struct{} {
	if l.backlog.len() >= l.maxBacklogSize {
		return nil
	}
	return l.backlog.push(ctx) // want `l.backlog.push\(…\), which inserts into l.backlog.list under its lock, after l.backlog.len\(\) on line 55 is decided by l.backlog.list's length, but is not atomic with it: another goroutine can insert in between, and l.backlog.list grows past the bound the check keeps`
}

func (l *queueBlockingLimiter) tryAcquireFixed(ctx context.Context) chan struct{} {
	release, ok := l.backlog.pushWithCapacity(ctx, l.maxBacklogSize)
	if !ok {
		return nil
	}
	return release
}

// A test for emptiness keeps no bound.
func (l *queueBlockingLimiter) startIfIdle(ctx context.Context) chan struct{} {
	if l.backlog.len() == 0 {
		return l.backlog.push(ctx)
	}
	return nil
}

// A list read and pushed in place: the read lock is released before the
// write lock is taken.
type waitList struct {
	mu      sync.RWMutex
	waiters *list.List
	max     int
}

func (w *waitList) wait() chan struct{} {
	w.mu.RLock()
	n := w.waiters.Len()
	w.mu.RUnlock()
	if n >= w.max {
		return nil
	}
	ch := make(chan struct{})
	w.mu.Lock()
	w.waiters.PushBack(ch) // want `w.waiters.PushBack\(…\) after w.waiters.Len\(\) on line 87 is decided by w.waiters's length`
	w.mu.Unlock()
	return ch
}

// Near-miss: the length read again under the write lock.
func (w *waitList) waitChecked() chan struct{} {
	w.mu.RLock()
	n := w.waiters.Len()
	w.mu.RUnlock()
	if n >= w.max {
		return nil
	}
	ch := make(chan struct{})
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.waiters.Len() >= w.max {
		return nil
	}
	w.waiters.PushBack(ch)
	return ch
}

// Near-miss: a helper that pushes with no lock of its own is not an
// insert made under its lock.
func (w *waitList) pushUnlocked(ch chan struct{}) { w.waiters.PushBack(ch) }

func (w *waitList) waitHelper() chan struct{} {
	w.mu.RLock()
	n := w.waiters.Len()
	w.mu.RUnlock()
	if n >= w.max {
		return nil
	}
	ch := make(chan struct{})
	w.pushUnlocked(ch)
	return ch
}

// Near-miss: a local list is the function's own.
func localList(max int) *list.List {
	var mu sync.Mutex
	l := list.New()
	mu.Lock()
	n := l.Len()
	mu.Unlock()
	if n >= max {
		return l
	}
	mu.Lock()
	l.PushBack(1)
	mu.Unlock()
	return l
}
