package atomicflags

import (
	"sync"
	"sync/atomic"
	"time"
)

// A send after a test of an atomic flag that another method sets before
// closing the channel. sensu/sensu-go's check monitor at bbb3f3ad (fixed
// in f4f3c876, sensu-go#970): Stop can set the flag and close resetChan
// between reset's test and its send, and the send panics.
type monitor struct {
	stopped   int32
	resetChan chan time.Duration
	mu        sync.Mutex
}

func (m *monitor) Stop() {
	if !atomic.CompareAndSwapInt32(&m.stopped, 0, 1) {
		return
	}
	close(m.resetChan)
}

func (m *monitor) IsStopped() bool {
	return atomic.LoadInt32(&m.stopped) > 0
}

func (m *monitor) reset(t time.Duration) {
	if m.IsStopped() {
		return
	}
	m.resetChan <- t // want `send on m.resetChan after the test of m.IsStopped\(\) on line 31 is not atomic with it: Stop can set stopped and close m.resetChan in between \(flaggedsend.go:23\), and the send panics`
}

// The same with the sync/atomic types, the load in the condition and the
// send as a select case.
type feed struct {
	closed  atomic.Bool
	updates chan int
	done    chan struct{}
}

func (f *feed) Publish(v int) {
	if f.closed.Load() {
		return
	}
	select {
	case f.updates <- v: // want `send on f.updates after the test of f.closed.Load\(\) on line 46`
	case <-f.done:
	}
}

func (f *feed) Close() {
	f.closed.Store(true)
	close(f.updates)
}

// The fix: one lock across the test and the send (and the set and the
// close).
func (m *monitor) resetFixed(t time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.IsStopped() {
		return
	}
	m.resetChan <- t
}

// Near-misses: a channel nobody closes, a flag the closer does not set,
// and a send the test does not refuse.
type ticker struct {
	stopped atomic.Bool
	paused  atomic.Bool
	ticks   chan int
	out     chan int
}

func (t *ticker) Tick(v int) {
	if t.stopped.Load() {
		return
	}
	t.ticks <- v
}

func (t *ticker) Emit(v int) {
	if t.paused.Load() {
		return
	}
	t.out <- v
}

func (t *ticker) Peek(v int) {
	if t.stopped.Load() {
		v = 0
	}
	t.out <- v
}

func (t *ticker) Stop() {
	t.stopped.Store(true)
	close(t.out)
}

// openfga/openfga internal/containers/mpmc/queue.go at da9354f7: Send tests
// done and sends under the queue's read lock, held to the end by a defer,
// and Close sets done and closes the channel under the write lock, which
// no reader holds at the same time.
type mpmcQueue struct {
	mu    sync.RWMutex
	done  atomic.Bool
	empty chan struct{}
}

func (q *mpmcQueue) Send() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.done.Load() {
		return false
	}
	select {
	case q.empty <- struct{}{}:
	default:
	}
	return true
}

func (q *mpmcQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.done.Swap(true) {
		close(q.empty)
	}
}

// Near-miss: the read lock is released before the send.
func (q *mpmcQueue) SendAfterRelease() bool {
	q.mu.RLock()
	if q.done.Load() {
		q.mu.RUnlock()
		return false
	}
	q.mu.RUnlock()
	select {
	case q.empty <- struct{}{}: // want `send on q.empty after the test of q.done.Load\(\) on line 140 is not atomic with it`
	default:
	}
	return true
}

// Near-miss: the closer takes no lock, so holding the read lock keeps it
// out of nothing.
type looseQueue struct {
	mu    sync.RWMutex
	done  atomic.Bool
	items chan int
}

func (q *looseQueue) Send(v int) bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.done.Load() {
		return false
	}
	q.items <- v // want `send on q.items after the test of q.done.Load\(\) on line 163 is not atomic with it`
	return true
}

func (q *looseQueue) Close() {
	if q.done.CompareAndSwap(false, true) {
		close(q.items)
	}
}

// openfga's Send itself: the read lock is released to wait and taken
// again inside a loop whose condition looks at done again, under the
// lock, before every send.
type ringQueue struct {
	mu    sync.RWMutex
	done  atomic.Bool
	empty chan struct{}
	full  chan struct{}
	slots atomic.Int64
}

func (q *ringQueue) Send() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.done.Load() {
		return false
	}
	for !q.done.Load() {
		if q.slots.Add(-1) >= 0 {
			select {
			case q.empty <- struct{}{}:
			default:
			}
			return true
		}
		q.mu.RUnlock()
		<-q.full
		q.mu.RLock()
	}
	return false
}

func (q *ringQueue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.done.Swap(true) {
		close(q.empty)
		close(q.full)
	}
}

// Near-miss: a loop that does not look at done again sends after a wait
// with the lock released.
func (q *ringQueue) SendForever() bool {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.done.Load() {
		return false
	}
	for {
		if q.slots.Add(-1) >= 0 {
			select {
			case q.empty <- struct{}{}: // want `send on q.empty after the test of q.done.Load\(\) on line 222 is not atomic with it`
			default:
			}
			return true
		}
		q.mu.RUnlock()
		<-q.full
		q.mu.RLock()
	}
}

// The flag a plain field behind a getter that locks, set to true under the
// lock by the closer before its close: Shutdown can run between Enqueue's
// test and its send, and the send panics.
type auditLog struct {
	mu     sync.Mutex
	closed bool
	queue  chan string
}

func (l *auditLog) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

func (l *auditLog) Enqueue(ev string) bool {
	if l.isClosed() {
		return false
	}
	l.queue <- ev // want `send on l.queue after the test of l.isClosed\(\) on line \d+ is not atomic with it: Shutdown can set closed and close l.queue in between`
	return true
}

func (l *auditLog) Shutdown() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	l.closed = true
	close(l.queue)
}

// The fix: the test and the send under the lock the closer takes.
func (l *auditLog) enqueueFixed(ev string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return false
	}
	select {
	case l.queue <- ev:
		return true
	default:
		return false
	}
}

// The flag copied into a local under the lock, the lock released before
// the send (textbook set 6, t07: an SSE subscription's Deliver against
// the disconnecting handler's Close).
type sseSub struct {
	mu     sync.Mutex
	closed bool
	ch     chan string
}

func (s *sseSub) Deliver(ev string) bool {
	s.mu.Lock()
	closed := s.closed
	s.mu.Unlock()
	if closed {
		return false
	}
	select {
	case s.ch <- ev: // want `send on s.ch after the test of s.closed on line [0-9]+ is not atomic with it: Close can set closed and close s.ch in between`
		return true
	default:
		return false
	}
}

// Near-miss: the fix holds the lock across the test and the send.
func (s *sseSub) DeliverHeld(ev string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	closed := s.closed
	if closed {
		return false
	}
	select {
	case s.ch <- ev:
		return true
	default:
		return false
	}
}

func (s *sseSub) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.ch)
}

// The flag read where the lock is held and the subscriber kept for a send
// after it is released (textbook set 10, t06: an event broker's Publish
// collects the subscribers it finds open, then sends to them, while the
// cancel function marks one closed and closes its channel under the
// broker's lock).
type subscriber struct {
	id     uint64
	ch     chan string
	closed bool // guarded by broker.mu
}

type broker struct {
	mu   sync.Mutex
	subs map[uint64]*subscriber
}

func (b *broker) Publish(ev string) int {
	b.mu.Lock()
	targets := make([]*subscriber, 0, len(b.subs))
	for _, s := range b.subs {
		if !s.closed {
			targets = append(targets, s)
		}
	}
	b.mu.Unlock()
	n := 0
	for _, s := range targets {
		select {
		case s.ch <- ev: // want `send on s.ch after the test of s.closed on line [0-9]+ is not atomic with it: unsubscribe can set closed and close s.ch in between`
			n++
		default:
		}
	}
	return n
}

// One subscriber's flag tested under the broker's lock, the send after
// the unlock.
func (b *broker) SendTo(id uint64, ev string) bool {
	b.mu.Lock()
	s := b.subs[id]
	if s == nil || s.closed {
		b.mu.Unlock()
		return false
	}
	b.mu.Unlock()
	s.ch <- ev // want `send on s.ch after the test of s.closed on line [0-9]+ is not atomic with it`
	return true
}

// Near-miss: the sends happen with the broker's lock still held, as the
// fix's per-subscriber lock does.
func (b *broker) PublishHeld(ev string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	targets := make([]*subscriber, 0, len(b.subs))
	for _, s := range b.subs {
		if !s.closed {
			targets = append(targets, s)
		}
	}
	n := 0
	for _, s := range targets {
		select {
		case s.ch <- ev:
			n++
		default:
		}
	}
	return n
}

// Near-miss: the sends go to a list the test did not fill.
func (b *broker) PublishAll(ev string, all []*subscriber) int {
	b.mu.Lock()
	open := 0
	for _, s := range b.subs {
		if !s.closed {
			open++
		}
	}
	b.mu.Unlock()
	for _, s := range all {
		select {
		case s.ch <- ev:
		default:
		}
	}
	return open
}

func (b *broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	delete(b.subs, s.id)
	close(s.ch)
}

// Near-miss: a flag no function sets before a close of the channel.
type mailbox struct {
	mu     sync.Mutex
	paused bool
	ch     chan string
}

func (m *mailbox) Put(v string) {
	m.mu.Lock()
	if m.paused {
		m.mu.Unlock()
		return
	}
	m.mu.Unlock()
	m.ch <- v
}

func (m *mailbox) Pause() {
	m.mu.Lock()
	m.paused = true
	m.mu.Unlock()
}

// The test skips a closed subscription with continue, and the send is made
// by a method of the subscription (textbook set 11, t01: a broker's
// Publish against Unsubscribe).
type subscription struct {
	mu      sync.Mutex
	closed  bool
	msgs    chan string
	dropped atomic.Uint64 // counted with Add: no decision, still a deliverer
}

func (s *subscription) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *subscription) deliver(m string) bool {
	select {
	case s.msgs <- m:
		return true
	default:
		s.dropped.Add(1)
		return false
	}
}

func (s *subscription) Unsubscribe() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.closed = true
	close(s.msgs)
}

func PublishTo(subs []*subscription, m string) int {
	n := 0
	for _, s := range subs {
		if s.isClosed() {
			continue
		}
		if s.deliver(m) { // want `s.deliver\(m\), which sends on s.msgs, after the test of s.isClosed\(\) on line [0-9]+ is not atomic with it: Unsubscribe can set closed and close s.msgs in between`
			n++
		}
	}
	return n
}

// Near-miss: the send is made by a method that tests the flag under the
// lock itself.
func (s *subscription) deliverChecked(m string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	select {
	case s.msgs <- m:
		return true
	default:
		return false
	}
}

func PublishChecked(subs []*subscription, m string) int {
	n := 0
	for _, s := range subs {
		if s.isClosed() {
			continue
		}
		if s.deliverChecked(m) {
			n++
		}
	}
	return n
}

// Near-misses from IBM/sarama's partition consumer (consumer.go at
// bd98b3ae, false alarms of the first version of the delivering method):
// a retry count compared with a limit is no flag, and a send made inside
// the if that refuses is made where the test passed, not after it.
type consumerError string

func (e consumerError) Error() string { return string(e) }

type retryingConsumer struct {
	retries atomic.Int32
	max     int
	errors  chan error
	trigger chan struct{}
}

func (c *retryingConsumer) sendError(err error) {
	c.errors <- err
}

func (c *retryingConsumer) dispatcher(dispatch func() error) {
	for range c.trigger {
		if int(c.retries.Load()) >= c.max {
			c.sendError(consumerError("retries exhausted"))
			return
		}
		if err := dispatch(); err != nil {
			c.sendError(err)
		}
	}
}

func (c *retryingConsumer) exhausted() {
	for range c.trigger {
		if c.retries.Load() == 0 {
			c.sendError(consumerError("idle"))
			return
		}
	}
}

func (c *retryingConsumer) feeder() {
	c.retries.Store(0)
	close(c.errors)
}

// Near-miss from nats-io/nats.go's pull subscription (jetstream/pull.go at
// 850f889c, false alarms of the first version of the delivering method):
// the method sending on the channel is Stop itself, which decides by a
// CompareAndSwap and closes: only one Stop gets to the send.
type pullSub struct {
	closed    atomic.Uint32
	done      chan struct{}
	msgsLeft  chan int
	delivered int
}

func (s *pullSub) Stop() {
	if !s.closed.CompareAndSwap(0, 1) {
		return
	}
	close(s.done)
	s.msgsLeft <- s.delivered
}

func (s *pullSub) onTerminal() {
	if s.closed.Load() == 1 {
		return
	}
	s.Stop()
}

func (s *pullSub) Drain() {
	if !s.closed.CompareAndSwap(0, 1) {
		return
	}
	close(s.msgsLeft)
}
