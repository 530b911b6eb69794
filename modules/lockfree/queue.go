package lockfree

import (
	"context"
	"fmt"
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree/internal/park"

	"github.com/raceproof/raceproof/modules/lockfree/internal/cacheline"
)

// MaxQueueCapacity is the largest capacity NewQueue accepts.
const MaxQueueCapacity = 1 << 30

// closedBit is set in a queue's tail word by Close. Keeping it in the word that
// producers compare-and-swap makes Close and every enqueue totally ordered: an
// enqueue either claims its position before Close or sees the bit and fails.
const closedBit = 1 << 63

// Waiting policy. A blocking operation that finds the queue full (or empty)
// retries spinTries times and then parks: the first pauseTries retries follow
// a short pause, the others a runtime.Gosched, so that on a single P the
// goroutine it waits for gets to run before this one pays for parking. A
// goroutine waiting inside TryEnqueue or TryDequeue for another one to finish
// a claimed slot pauses waitSpins times and then yields between tries.
// Gosched is used sparingly on purpose: it goes through the scheduler's global
// run queue and its lock, which profiles showed dominating a Gosched-based
// spin.
const (
	spinTries  = 6
	pauseTries = 4
	waitSpins  = 16
	pauseIters = 50
)

// spin waits before retry i+1 of a blocking operation.
func spin(i int) {
	if i < pauseTries {
		pause()
		return
	}
	runtime.Gosched()
}

// pause busy-waits for a moment without yielding the processor.
func pause() {
	for i := 0; i < pauseIters; i++ {
	}
}

// backoff waits before attempt i+1 of a loop that waits for another
// goroutine: a few short pauses, then runtime.Gosched.
func backoff(i int) {
	if i < waitSpins {
		pause()
		return
	}
	runtime.Gosched()
}

// yieldAfterLostRace is called by a blocking Enqueue (Dequeue) that lost the
// compare-and-swap on the tail (head) to another producer (consumer), and by
// UnboundedQueue.Enqueue, which never blocks. It yields the processor before
// the retry: with more goroutines than Ps, a goroutine of the other side then
// runs instead of two of the same side taking turns pulling one cache line.
// Side by side, that measured 1.7-2.5x more Queue throughput with 2 and 4
// producer:consumer pairs at GOMAXPROCS 2 and 4, and 10-40 % more for
// UnboundedQueue. When every goroutine has a P of its own, Gosched returns at
// once. Try calls do not yield: they retry at once, as a caller polling them
// expects.
func yieldAfterLostRace() { runtime.Gosched() }

// Caller-supplied contexts and parking. A blocking call that parks is listed
// on a park.List from Enlist until it Cancels or Releases its waiter. A
// panic in between would leave the waiter listed for good, and the next
// notification would go to it and be lost: a goroutine parked behind it
// would sleep with an element (or room) available. So nothing the caller
// supplies runs while a waiter is listed: a nil ctx is rejected on entry,
// ctx.Done is called before Enlist, and ctx.Err only after the waiter has
// been cancelled.

// panicNilContext reports a nil context passed to method. Like the context
// package, which panics on a nil parent, it treats it as a programming error.
func panicNilContext(method string) {
	panic("lockfree: " + method + " called with a nil Context")
}

// notifyOne wakes the goroutine that has waited longest on l, if any. It is
// a non-generic function on purpose: the queues' generic methods are compiled
// in the package that instantiates them, and that package can inline only
// the bodies exported along with lockfree's own inlinable functions. Through
// notifyOne the nobody-parked check, one atomic load, is inlined into every
// enqueue and dequeue instead of costing a call.
func notifyOne(l *park.List) { l.NotifyOne() }

// Queue is a bounded multi-producer multi-consumer FIFO queue. Create one with
// NewQueue. A Queue must not be copied after first use.
//
// The zero Queue is not usable: it has no capacity and no ring, so Enqueue,
// Dequeue, TryEnqueue and TryDequeue panic with a message naming NewQueue
// (Len, Cap and Stats report zeros and Close does no harm). A bounded queue
// needs its capacity chosen by its user, and choosing one silently for a
// zero value would hide that choice; a zero UnboundedQueue, which has no
// capacity to choose, is ready to use.
//
// The ring has one slot per element of capacity, and every slot carries a
// stamp: the position (lap and index) it expects to serve next. A producer
// claims the tail position p with a compare-and-swap once the slot's stamp says
// p, writes the element, and sets the stamp to p+1; a consumer claims the head
// position p once the stamp says p+1, reads, and sets the stamp to p's position
// one lap later. Head and tail sit on separate cache lines.
//
// Every operation is linearizable. An Enqueue takes effect when it claims the
// tail and a Dequeue when it claims the head; each element enqueued is dequeued
// at most once, and, unless the queue is abandoned with elements in it, exactly
// once. Elements from one producer are dequeued in the order it enqueued them.
// An Enqueue synchronizes before the Dequeue that returns its element.
//
// TryEnqueue and TryDequeue never fail spuriously: TryEnqueue reports false
// only if the queue held Cap elements at some instant during the call (or was
// closed), and TryDequeue only if it held none. A lost compare-and-swap is
// retried, not reported as a failure.
type Queue[T any] struct {
	_     noCopy
	_     [0]atomic.Uint64 // align head and tail to 8 bytes on 32-bit platforms
	_     [cacheline.Size]byte
	head  uint64 // next position to dequeue; accessed atomically
	_     [cacheline.Size - 8]byte
	tail  uint64 // next position to enqueue, plus closedBit; accessed atomically
	_     [cacheline.Size - 8]byte
	slots []slot[T]
	cap   uint64
	lap   uint64 // a power of two > cap; a position is lap*k + index
	_     [cacheline.Size]byte

	notEmpty park.List // consumers waiting for an element
	notFull  park.List // producers waiting for room
	stats    queueStats
}

// slot is one cell of a Queue's ring. Slots are not padded: neighbouring
// slots share cache lines (four per 64-byte line for an int element). That
// measured as fast as or faster than slots padded past a cache line (see the
// README), in under a quarter of the memory.
type slot[T any] struct {
	_     [0]atomic.Uint64 // align stamp to 8 bytes on 32-bit platforms
	stamp uint64           // accessed atomically
	val   T
}

// NewQueue returns an empty queue that holds up to capacity elements. It
// allocates the ring at once: one slot per element, each an 8-byte stamp
// followed by the element (16 bytes for an int). It returns an error wrapping
// ErrInvalidCapacity if capacity is below 1 or above MaxQueueCapacity.
func NewQueue[T any](capacity int) (*Queue[T], error) {
	if capacity < 1 || capacity > MaxQueueCapacity {
		return nil, fmt.Errorf("%w: NewQueue needs a capacity in [1, %d], got %d",
			ErrInvalidCapacity, MaxQueueCapacity, capacity)
	}
	q := &Queue[T]{
		slots: make([]slot[T], capacity),
		cap:   uint64(capacity),
		lap:   1 << bits.Len64(uint64(capacity)),
	}
	for i := range q.slots {
		q.slots[i].stamp = uint64(i)
	}
	return q, nil
}

// slotAt returns the slot of position pos. Its range check makes the
// compiler's bounds check redundant, so it costs nothing more, and a zero
// Queue, which has no slots, panics with a message naming NewQueue instead
// of an index out of range.
func (q *Queue[T]) slotAt(pos uint64) *slot[T] {
	i := pos & (q.lap - 1)
	if i >= uint64(len(q.slots)) {
		panicZeroQueue()
	}
	return &q.slots[i]
}

func panicZeroQueue() {
	panic("lockfree: Queue used without NewQueue (the zero Queue has no capacity)")
}

// next returns the position after pos.
func (q *Queue[T]) next(pos uint64) uint64 {
	if idx := pos & (q.lap - 1); idx+1 < q.cap {
		return pos + 1
	}
	return pos&^(q.lap-1) + q.lap
}

// tryEnqueue adds v unless the queue is full or closed. If another goroutine
// is between claiming and releasing the slot at the tail (a consumer still
// reading it, or the previous lap's producer still writing it), tryEnqueue
// waits for it when wait is set (Try calls) and otherwise fails: a blocking
// Enqueue then parks, and the notFull notification of the consumer that
// frees the slot wakes it. Without wait, a lost compare-and-swap also yields
// the processor before the retry (yieldAfterLostRace).
func (q *Queue[T]) tryEnqueue(v T, wait bool) (ok, closed bool) {
	if tail := atomic.LoadUint64(&q.tail); tail&closedBit == 0 {
		s := q.slotAt(tail)
		if atomic.LoadUint64(&s.stamp) == tail {
			if atomic.CompareAndSwapUint64(&q.tail, tail, q.next(tail)) {
				s.val = v
				atomic.StoreUint64(&s.stamp, tail+1)
				return true, false
			}
			q.stats.enqueueRetries.Inc()
		}
	}
	return q.tryEnqueueLoop(v, wait)
}

func (q *Queue[T]) tryEnqueueLoop(v T, wait bool) (ok, closed bool) {
	tail := atomic.LoadUint64(&q.tail)
	var retries int64
	for i := 0; ; i++ {
		if tail&closedBit != 0 {
			closed = true
			break
		}
		s := q.slotAt(tail)
		stamp := atomic.LoadUint64(&s.stamp)
		if stamp == tail {
			if atomic.CompareAndSwapUint64(&q.tail, tail, q.next(tail)) {
				s.val = v
				atomic.StoreUint64(&s.stamp, tail+1)
				ok = true
				break
			}
			retries++
			if !wait {
				yieldAfterLostRace()
			}
		} else if stamp < tail {
			// The slot has not been released for this lap: it still holds the
			// element of the previous lap, or that element's producer or
			// consumer is still at work on it. The queue is full only if no
			// consumer has claimed that element: then head is one lap behind
			// tail, and at this instant tail-head == cap. Otherwise another
			// goroutine is between claiming and releasing the slot: wait for
			// it, or fail if not asked to wait.
			if !wait || atomic.LoadUint64(&q.head)+q.lap == tail {
				break
			}
			backoff(i)
		}
		// Otherwise (stamp > tail) another producer claimed this position since
		// tail was read.
		tail = atomic.LoadUint64(&q.tail)
	}
	if retries != 0 {
		q.stats.enqueueRetries.Add(retries)
	}
	return ok, closed
}

// tryDequeue removes the oldest element unless the queue is empty; closed
// reports an empty queue that is closed. If a producer has claimed the head
// position but its element is not yet there (that producer, or the consumer
// of the slot's previous lap, is still at work on the slot), tryDequeue waits
// for it when wait is set (Try calls) and otherwise fails: a blocking Dequeue
// then parks, and that producer's notEmpty notification wakes it. Without
// wait, a lost compare-and-swap also yields the processor before the retry
// (yieldAfterLostRace).
func (q *Queue[T]) tryDequeue(wait bool) (v T, ok, closed bool) {
	head := atomic.LoadUint64(&q.head)
	s := q.slotAt(head)
	if atomic.LoadUint64(&s.stamp) == head+1 {
		if atomic.CompareAndSwapUint64(&q.head, head, q.next(head)) {
			v = s.val
			var zero T
			s.val = zero // drop the reference so the GC can reclaim it
			atomic.StoreUint64(&s.stamp, head+q.lap)
			return v, true, false
		}
		q.stats.dequeueRetries.Inc()
	}
	return q.tryDequeueLoop(wait)
}

func (q *Queue[T]) tryDequeueLoop(wait bool) (v T, ok, closed bool) {
	head := atomic.LoadUint64(&q.head)
	var retries int64
	for i := 0; ; i++ {
		s := q.slotAt(head)
		stamp := atomic.LoadUint64(&s.stamp)
		if stamp == head+1 {
			if atomic.CompareAndSwapUint64(&q.head, head, q.next(head)) {
				v = s.val
				var zero T
				s.val = zero // drop the reference so the GC can reclaim it
				atomic.StoreUint64(&s.stamp, head+q.lap)
				ok = true
				break
			}
			retries++
			if !wait {
				yieldAfterLostRace()
			}
		} else if stamp < head+1 {
			// The slot has no element for this lap yet: its producer has not
			// published, or the slot still holds, or is still releasing, the
			// element of the previous lap. The queue is empty only if no
			// producer has claimed this position. Otherwise another goroutine
			// is between claiming and releasing the slot: wait for it, or fail
			// if not asked to wait.
			tail := atomic.LoadUint64(&q.tail)
			if tail&^closedBit == head {
				closed = tail&closedBit != 0
				break
			}
			if !wait {
				break
			}
			backoff(i)
		}
		// Otherwise (stamp > head+1) another consumer claimed this position
		// since head was read.
		head = atomic.LoadUint64(&q.head)
	}
	if retries != 0 {
		q.stats.dequeueRetries.Add(retries)
	}
	return v, ok, closed
}

// TryEnqueue adds v at the tail of the queue if there is room and reports
// whether it did. It returns false only if the queue was full at some instant
// during the call or has been closed.
func (q *Queue[T]) TryEnqueue(v T) bool {
	ok, _ := q.tryEnqueue(v, true)
	if ok {
		notifyOne(&q.notEmpty)
	}
	return ok
}

// TryDequeue removes and returns the element at the head of the queue. It
// returns false only if the queue was empty at some instant during the call.
func (q *Queue[T]) TryDequeue() (T, bool) {
	v, ok, _ := q.tryDequeue(true)
	if ok {
		notifyOne(&q.notFull)
	}
	return v, ok
}

// Enqueue adds v at the tail of the queue, waiting for room if it is full: it
// retries briefly, then parks without using CPU until a Dequeue makes room.
// It returns ErrClosed if the queue is closed before v is added, and
// ctx.Err() if ctx is done first; in both cases v was not added. If there is
// room at once, Enqueue adds v even when ctx is already done. It panics if
// ctx is nil, before touching the queue.
func (q *Queue[T]) Enqueue(ctx context.Context, v T) error {
	if ctx == nil {
		panicNilContext("Queue.Enqueue")
	}
	// tryEnqueue's first attempt, written out: one call fewer per element,
	// and no call before the slow path's, so the arguments stay in registers.
	if tail := atomic.LoadUint64(&q.tail); tail&closedBit == 0 {
		s := q.slotAt(tail)
		if atomic.LoadUint64(&s.stamp) == tail {
			if atomic.CompareAndSwapUint64(&q.tail, tail, q.next(tail)) {
				s.val = v
				atomic.StoreUint64(&s.stamp, tail+1)
				notifyOne(&q.notEmpty)
				return nil
			}
			return q.enqueueSlow(ctx, v, true)
		}
	}
	return q.enqueueSlow(ctx, v, false)
}

// enqueueSlow is Enqueue after its first attempt failed; lost reports that
// it lost the compare-and-swap.
func (q *Queue[T]) enqueueSlow(ctx context.Context, v T, lost bool) error {
	if lost {
		q.stats.enqueueRetries.Inc()
	}
	ok, closed := q.tryEnqueueLoop(v, false)
	if ok {
		notifyOne(&q.notEmpty)
		return nil
	}
	if closed {
		return ErrClosed
	}
	return q.enqueueWait(ctx, v)
}

// enqueueWait is Enqueue after its first attempt found no room: it spins,
// retrying, and then parks until a notFull notification, Close or ctx.
func (q *Queue[T]) enqueueWait(ctx context.Context, v T) error {
	done := ctx.Done() // before any Enlist (see panicNilContext)
	for i := 0; ; i++ {
		if i < spinTries {
			spin(i)
		} else {
			w := q.notFull.Enlist()
			if ok, closed := q.tryEnqueue(v, false); ok || closed {
				if q.notFull.Cancel(w) {
					notifyOne(&q.notFull)
				}
				if closed {
					return ErrClosed
				}
				notifyOne(&q.notEmpty)
				return nil
			}
			q.stats.enqueueParks.Inc()
			select {
			case <-w.C():
				q.notFull.Release(w)
				i = 0
			case <-done:
				if q.notFull.Cancel(w) {
					notifyOne(&q.notFull)
				}
				return ctx.Err()
			}
		}
		ok, closed := q.tryEnqueue(v, false)
		if ok {
			notifyOne(&q.notEmpty)
			return nil
		}
		if closed {
			return ErrClosed
		}
	}
}

// Dequeue removes and returns the element at the head of the queue, waiting
// for one if it is empty: it retries briefly, then parks without using CPU
// until an Enqueue or Close. After Close it keeps returning elements until the
// queue is empty and then returns ErrClosed. It returns ctx.Err() if ctx is
// done while it waits; no element is removed then. If an element is available
// at once, Dequeue returns it even when ctx is already done. It panics if ctx
// is nil, before touching the queue.
func (q *Queue[T]) Dequeue(ctx context.Context) (T, error) {
	if ctx == nil {
		panicNilContext("Queue.Dequeue")
	}
	// tryDequeue's first attempt, written out as in Enqueue.
	head := atomic.LoadUint64(&q.head)
	s := q.slotAt(head)
	if atomic.LoadUint64(&s.stamp) == head+1 {
		if atomic.CompareAndSwapUint64(&q.head, head, q.next(head)) {
			v := s.val
			var zero T
			s.val = zero // drop the reference so the GC can reclaim it
			atomic.StoreUint64(&s.stamp, head+q.lap)
			notifyOne(&q.notFull)
			return v, nil
		}
		return q.dequeueSlow(ctx, true)
	}
	return q.dequeueSlow(ctx, false)
}

// dequeueSlow is Dequeue after its first attempt failed; lost reports that
// it lost the compare-and-swap.
func (q *Queue[T]) dequeueSlow(ctx context.Context, lost bool) (T, error) {
	if lost {
		q.stats.dequeueRetries.Inc()
	}
	v, ok, closed := q.tryDequeueLoop(false)
	if ok {
		notifyOne(&q.notFull)
		return v, nil
	}
	if closed {
		return v, ErrClosed
	}
	return q.dequeueWait(ctx)
}

// dequeueWait is Dequeue after its first attempt found no element: it spins,
// retrying, and then parks until a notEmpty notification, Close or ctx.
func (q *Queue[T]) dequeueWait(ctx context.Context) (T, error) {
	done := ctx.Done() // before any Enlist (see panicNilContext)
	for i := 0; ; i++ {
		if i < spinTries {
			spin(i)
		} else {
			w := q.notEmpty.Enlist()
			if v, ok, closed := q.tryDequeue(false); ok || closed {
				if q.notEmpty.Cancel(w) {
					notifyOne(&q.notEmpty)
				}
				if closed {
					return v, ErrClosed
				}
				notifyOne(&q.notFull)
				return v, nil
			}
			q.stats.dequeueParks.Inc()
			select {
			case <-w.C():
				q.notEmpty.Release(w)
				i = 0
			case <-done:
				if q.notEmpty.Cancel(w) {
					notifyOne(&q.notEmpty)
				}
				var zero T
				return zero, ctx.Err()
			}
		}
		v, ok, closed := q.tryDequeue(false)
		if ok {
			notifyOne(&q.notFull)
			return v, nil
		}
		if closed {
			return v, ErrClosed
		}
	}
}

// Close closes the queue: later enqueues fail with ErrClosed (TryEnqueue
// returns false), while dequeues go on returning the elements already in the
// queue and then fail with ErrClosed. Close wakes every parked goroutine.
// Close is idempotent. An Enqueue that runs concurrently with Close either adds
// its element before the close takes effect or returns ErrClosed. This is the
// contract of UnboundedQueue.Close.
func (q *Queue[T]) Close() {
	atomic.OrUint64(&q.tail, closedBit)
	q.notEmpty.NotifyAll()
	q.notFull.NotifyAll()
}

// Len returns the number of elements in the queue, counting enqueues and
// dequeues in progress as done. With concurrent operations the result may be
// stale by the time it is used.
func (q *Queue[T]) Len() int {
	for {
		tail := atomic.LoadUint64(&q.tail)
		head := atomic.LoadUint64(&q.head)
		if atomic.LoadUint64(&q.tail) != tail {
			continue
		}
		tail &^= closedBit
		hix, tix := head&(q.lap-1), tail&(q.lap-1)
		switch {
		case hix < tix:
			return int(tix - hix)
		case hix > tix:
			return int(q.cap - hix + tix)
		case head == tail:
			return 0
		default:
			return int(q.cap)
		}
	}
}

// Cap returns the capacity the queue was created with.
func (q *Queue[T]) Cap() int { return int(q.cap) }

// Stats returns the queue's contention counters.
func (q *Queue[T]) Stats() QueueStats { return q.stats.snapshot() }
