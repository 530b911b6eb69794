package atomicflags

import (
	"sync"
	"sync/atomic"
)

// orbs-network/orbs-network-go services/statestorage/block_tracker.go at
// fc0cf472 (fixed in 5463dc5f, orbs#95, "BlockTracker may panic on double
// close()"): IncrementHeight counts atomically "in case two goroutines
// commit concurrently", then swaps the latch every waiter receives from
// and closes the old one. Two commits at once both read the same latch and
// both close it.
type blockTracker struct {
	currentHeight uint64
	latch         chan struct{}
}

func (t *blockTracker) IncrementHeight() {
	atomic.AddUint64(&t.currentHeight, 1) // increment atomically in case two goroutines commit concurrently
	prevLatch := t.latch
	t.latch = make(chan struct{}) // want `t.latch is replaced here after line 21 read it, and the channel read is closed on line 23, with no lock held: two goroutines that run IncrementHeight together \(it makes an atomic step on t.currentHeight on line 20, so it expects to\) both read the same channel and both close it, and the second close panics; hold one lock across the read, the replacement and the close`
	close(prevLatch)
}

// The fix: one lock across the three.
type blockTrackerFixed struct {
	mu            sync.Mutex
	currentHeight uint64
	latch         chan struct{}
}

func (t *blockTrackerFixed) IncrementHeight() {
	t.mu.Lock()
	defer t.mu.Unlock()
	atomic.AddUint64(&t.currentHeight, 1)
	prevLatch := t.latch
	t.latch = make(chan struct{})
	close(prevLatch)
}

// The close first, then the replacement, in a method a go statement runs
// on its caller's object: each call of kick starts another.
type broadcaster struct {
	wake  chan struct{}
	ticks chan int
}

func (b *broadcaster) notify() {
	close(b.wake)
	b.wake = make(chan struct{}) // want `b.wake is replaced here after line 50 closed it, with no lock held: two goroutines that run notify together \(a go statement runs it, swapclose.go:54, each time its caller runs\)`
}

func (b *broadcaster) kick() { go b.notify() }

// Near-misses. No sign that two goroutines run it: a swap of a type with
// no atomic step and no go statement.
type latchOnly struct{ latch chan struct{} }

func (l *latchOnly) Advance() {
	old := l.latch
	l.latch = make(chan struct{})
	close(old)
}

// The lock released only after the swap and the close.
type lockedLatch struct {
	mu    sync.Mutex
	n     atomic.Int64
	latch chan struct{}
}

func (l *lockedLatch) Advance() {
	l.n.Add(1)
	l.mu.Lock()
	old := l.latch
	l.latch = make(chan struct{})
	l.mu.Unlock()
	close(old)
}

// The old channel is not closed, only dropped.
func (l *lockedLatch) Reset() {
	l.n.Add(1)
	_ = l.latch
	l.latch = make(chan struct{})
}

// The local closed is another channel.
func (l *lockedLatch) Swap(other chan struct{}) {
	l.n.Add(1)
	old := l.latch
	l.latch = make(chan struct{})
	_ = old
	close(other)
}

// A local given a new channel before the close closes that one
// (nats.go's doReconnect makes and closes its own when the field is nil).
func (l *lockedLatch) Rearm() {
	l.n.Add(1)
	ch := l.latch
	if ch == nil {
		ch = make(chan struct{})
		close(ch)
	}
	<-ch
	l.latch = make(chan struct{})
}

// A lock held at the close and the store, released between (nats-server's
// consumer closes and clears its quit channel under o.mu, and makes a new
// one later under the lock again): not reported.
func (l *lockedLatch) Restart() {
	l.n.Add(1)
	l.mu.Lock()
	if l.latch != nil {
		close(l.latch)
		l.latch = nil
	}
	l.mu.Unlock()
	l.mu.Lock()
	l.latch = make(chan struct{})
	l.mu.Unlock()
}

// A goroutine's own loop, closing and replacing the channel each round
// (go-micro's rabbitmq reconnect loop): one goroutine per object.
type reconnector struct {
	waitConnection chan struct{}
	errs           chan error
}

func (r *reconnector) reconnect() {
	for range r.errs {
		close(r.waitConnection)
		r.waitConnection = make(chan struct{})
	}
}

func (r *reconnector) Connect() { go r.reconnect() }
