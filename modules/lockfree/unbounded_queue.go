package lockfree

import (
	"context"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/lockfree/internal/park"

	"github.com/raceproof/raceproof/modules/lockfree/internal/cacheline"
)

// Index layout of an UnboundedQueue. Bit 0 is a flag (head: hasNext, tail:
// closed); the position is index >> segShift. Each segment covers segLap
// positions, of which the first segCap hold elements; the last position of a
// lap is never used for an element and means "the next segment is being
// installed". With segLap = 64 one allocation serves 63 elements.
const (
	segShift = 1
	segLap   = 64
	segCap   = segLap - 1
	idxUnit  = 1 << segShift

	hasNextFlag = 1 // in head: the head's segment is not the last one
	closedFlag  = 1 // in tail: the queue is closed
)

// UnboundedQueue is an unbounded multi-producer multi-consumer FIFO queue. The
// zero value is an empty, open queue, ready to use. An UnboundedQueue must not
// be copied after first use.
//
// Elements live in a linked list of segments of 63 slots: one allocation per
// segment, not per element. Producers claim a tail position with a
// compare-and-swap and write the slot; consumers claim a head position and
// read it. A segment whose slots have all been consumed is unreachable and is
// reclaimed by the garbage collector; consumed slots are zeroed at once so
// they do not keep the element alive.
//
// Every operation is linearizable. An Enqueue takes effect when it claims its
// tail position and a Dequeue when it claims its head position; each element
// is dequeued at most once, and exactly once unless the queue is abandoned
// with elements in it. Elements from one producer are dequeued in the order
// it enqueued them. An Enqueue synchronizes before the Dequeue that returns
// its element. TryDequeue reports false only if the queue was empty at some
// instant during the call.
type UnboundedQueue[T any] struct {
	_       noCopy
	_       [0]atomic.Uint64 // align the index words to 8 bytes on 32-bit platforms
	_       [cacheline.Size]byte
	headIdx uint64 // accessed atomically
	headSeg atomic.Pointer[segment[T]]
	_       [cacheline.Size - 16]byte
	tailIdx uint64 // accessed atomically
	tailSeg atomic.Pointer[segment[T]]
	_       [cacheline.Size - 16]byte

	notEmpty park.List
	stats    queueStats
}

type segment[T any] struct {
	next  atomic.Pointer[segment[T]]
	slots [segCap]useg[T]
}

type useg[T any] struct {
	written uint32 // 1 once val is written; accessed atomically
	val     T
}

// Enqueue adds v at the tail of the queue and returns nil, or, if the queue
// has been closed, adds nothing and returns ErrClosed, as Queue.Enqueue does.
// It never blocks on other operations except, briefly, while a producer that
// filled a segment installs the next one.
func (q *UnboundedQueue[T]) Enqueue(v T) error {
	var next *segment[T]
	for i := 0; ; i++ {
		tail := atomic.LoadUint64(&q.tailIdx)
		if tail&closedFlag != 0 {
			return ErrClosed
		}
		off := (tail >> segShift) % segLap
		if off == segCap {
			// Another producer is installing the next segment.
			backoff(i)
			continue
		}
		if off+1 == segCap && next == nil {
			// This claim would fill the segment: have the next one ready so
			// the other producers wait as briefly as possible.
			next = new(segment[T])
		}
		seg := q.tailSeg.Load()
		if seg == nil {
			// First Enqueue on a zero queue: install the first segment.
			s := new(segment[T])
			if q.tailSeg.CompareAndSwap(nil, s) {
				q.headSeg.Store(s)
				seg = s
			} else {
				next = s
				continue
			}
		}
		if !atomic.CompareAndSwapUint64(&q.tailIdx, tail, tail+idxUnit) {
			q.stats.enqueueRetries.Inc()
			yieldAfterLostRace()
			continue
		}
		if off+1 == segCap {
			q.tailSeg.Store(next)
			atomic.AddUint64(&q.tailIdx, idxUnit) // skip the installing position; keeps closedFlag
			seg.next.Store(next)
		}
		s := &seg.slots[off]
		s.val = v
		atomic.StoreUint32(&s.written, 1)
		notifyOne(&q.notEmpty)
		return nil
	}
}

// tryDequeue removes the oldest element unless the queue is empty; closed
// reports an empty queue that is closed. If a producer has claimed the head
// position but not yet written its element, tryDequeue waits for it when wait
// is set and otherwise fails before claiming anything: a blocking Dequeue then
// parks, and that producer's notification wakes it.
func (q *UnboundedQueue[T]) tryDequeue(wait bool) (v T, ok, closed bool) {
	for i := 0; ; i++ {
		head := atomic.LoadUint64(&q.headIdx)
		off := (head >> segShift) % segLap
		if off == segCap {
			// Another consumer is moving the head to the next segment.
			backoff(i)
			continue
		}
		seg := q.headSeg.Load()
		newHead := head + idxUnit
		if head&hasNextFlag == 0 {
			tail := atomic.LoadUint64(&q.tailIdx)
			if head>>segShift == tail>>segShift {
				return v, false, tail&closedFlag != 0
			}
			if (head>>segShift)/segLap != (tail>>segShift)/segLap {
				// The tail is in a later segment: until the head leaves this
				// one, the queue cannot become empty.
				newHead |= hasNextFlag
			}
		}
		if seg == nil {
			// The first segment is being installed.
			backoff(i)
			continue
		}
		if !wait && atomic.LoadUint32(&seg.slots[off].written) == 0 {
			if atomic.LoadUint64(&q.headIdx) != head {
				continue // seg may belong to a later head: look again
			}
			return v, false, false
		}
		if !atomic.CompareAndSwapUint64(&q.headIdx, head, newHead) {
			q.stats.dequeueRetries.Inc()
			if !wait {
				yieldAfterLostRace()
			}
			continue
		}
		if off+1 == segCap {
			// This was the segment's last slot: move the head to the next
			// segment, which the producer of this slot installs.
			next := seg.next.Load()
			for j := 0; next == nil; j++ {
				backoff(j)
				next = seg.next.Load()
			}
			idx := (newHead &^ hasNextFlag) + idxUnit
			if next.next.Load() != nil {
				idx |= hasNextFlag
			}
			q.headSeg.Store(next)
			atomic.StoreUint64(&q.headIdx, idx)
		}
		s := &seg.slots[off]
		for j := 0; atomic.LoadUint32(&s.written) == 0; j++ {
			// The producer claimed the slot and is still writing it.
			backoff(j)
		}
		v = s.val
		var zero T
		s.val = zero
		return v, true, false
	}
}

// TryDequeue removes and returns the element at the head of the queue. It
// returns false only if the queue was empty at some instant during the call.
func (q *UnboundedQueue[T]) TryDequeue() (T, bool) {
	v, ok, _ := q.tryDequeue(true)
	return v, ok
}

// Dequeue removes and returns the element at the head of the queue, waiting
// for one if it is empty: it retries briefly, then parks without using CPU
// until an Enqueue or Close. After Close it keeps returning elements until the
// queue is empty and then returns ErrClosed. It returns ctx.Err() if ctx is
// done while it waits; no element is removed then. If an element is available
// at once, Dequeue returns it even when ctx is already done. It panics if ctx
// is nil, before touching the queue.
func (q *UnboundedQueue[T]) Dequeue(ctx context.Context) (T, error) {
	if ctx == nil {
		panicNilContext("UnboundedQueue.Dequeue")
	}
	for i := 0; ; i++ {
		v, ok, closed := q.tryDequeue(false)
		if ok {
			return v, nil
		}
		if closed {
			return v, ErrClosed
		}
		if i < spinTries {
			spin(i)
			continue
		}
		done := ctx.Done() // before Enlist (see panicNilContext)
		w := q.notEmpty.Enlist()
		if v, ok, closed = q.tryDequeue(false); ok || closed {
			if q.notEmpty.Cancel(w) {
				notifyOne(&q.notEmpty)
			}
			if closed {
				return v, ErrClosed
			}
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
			return v, ctx.Err()
		}
	}
}

// Close closes the queue: later enqueues fail with ErrClosed, while dequeues
// go on returning the elements already in the queue and then fail with
// ErrClosed. Close wakes every parked goroutine. Close is idempotent. An
// Enqueue that runs concurrently with Close either adds its element before
// the close takes effect or returns ErrClosed. This is the contract of
// Queue.Close.
func (q *UnboundedQueue[T]) Close() {
	atomic.OrUint64(&q.tailIdx, closedFlag)
	q.notEmpty.NotifyAll()
}

// Len returns the number of elements in the queue, counting enqueues and
// dequeues in progress as done. With concurrent operations the result may be
// stale by the time it is used.
func (q *UnboundedQueue[T]) Len() int {
	for {
		tail := atomic.LoadUint64(&q.tailIdx)
		head := atomic.LoadUint64(&q.headIdx)
		if atomic.LoadUint64(&q.tailIdx) != tail {
			continue
		}
		return int(usable(tail>>segShift) - usable(head>>segShift))
	}
}

// usable returns how many element positions lie before position pos.
func usable(pos uint64) uint64 {
	if pos%segLap == segCap {
		pos++ // the installing position counts as the start of the next lap
	}
	return pos - pos/segLap
}

// Stats returns the queue's contention counters.
func (q *UnboundedQueue[T]) Stats() QueueStats { return q.stats.snapshot() }
