package lockfree

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/lockfree/internal/park"
)

// The queues take two kinds of caller-controlled input that can panic: a
// context (nil, or one whose methods panic) and the queue itself (a zero
// Queue, which has no ring). Value.Update runs a callback. A panic at any
// of those points must leave nothing behind: no waiter listed that nobody
// will ever receive from (a notification sent to it would be lost, and a
// goroutine parked behind it would never wake), no mutex held. The tests
// below provoke each panic and then prove that every operation still
// works, parked waiters included.

// donePanicsCtx is a context whose Done method panics.
type donePanicsCtx struct{ context.Context }

func (donePanicsCtx) Done() <-chan struct{} { panic("Done boom") }

// errPanicsCtx is a cancelled context whose Err method panics.
type errPanicsCtx struct{ context.Context }

func (errPanicsCtx) Err() error { panic("Err boom") }

func cancelledCtx() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

// nilCtx is a nil context.Context, passed where a caller forgot one.
var nilCtx context.Context

// queueState is how full a queue is when a panic is provoked: a blocking
// call reaches its context only when it has to wait.
type queueState int

const (
	empty queueState = iota
	full
)

type queuePanicCase struct {
	state queueState
	op    func(q *Queue[int])
}

func queuePanicCases() map[string]queuePanicCase {
	bg := context.Background()
	return map[string]queuePanicCase{
		"Dequeue with nil ctx, empty":            {empty, func(q *Queue[int]) { _, _ = q.Dequeue(nilCtx) }},
		"Dequeue with nil ctx, element ready":    {full, func(q *Queue[int]) { _, _ = q.Dequeue(nilCtx) }},
		"Enqueue with nil ctx, full":             {full, func(q *Queue[int]) { _ = q.Enqueue(nilCtx, 1) }},
		"Enqueue with nil ctx, room":             {empty, func(q *Queue[int]) { _ = q.Enqueue(nilCtx, 1) }},
		"Dequeue with a ctx whose Done panics":   {empty, func(q *Queue[int]) { _, _ = q.Dequeue(donePanicsCtx{bg}) }},
		"Enqueue with a ctx whose Done panics":   {full, func(q *Queue[int]) { _ = q.Enqueue(donePanicsCtx{bg}, 1) }},
		"Dequeue with a ctx whose Err panics":    {empty, func(q *Queue[int]) { _, _ = q.Dequeue(errPanicsCtx{cancelledCtx()}) }},
		"Enqueue with a ctx whose Err panics":    {full, func(q *Queue[int]) { _ = q.Enqueue(errPanicsCtx{cancelledCtx()}, 1) }},
		"caller panics between two operations":   {empty, func(q *Queue[int]) { q.TryEnqueue(7); panic("caller failed") }},
		"caller panics after a blocking Dequeue": {full, func(q *Queue[int]) { _, _ = q.Dequeue(bg); panic("caller failed") }},
	}
}

// fillQueue brings a fresh queue of capacity 2 to state.
func fillQueue(t *testing.T, state queueState) *Queue[int] {
	t.Helper()
	q, err := NewQueue[int](2)
	require.NoError(t, err)
	if state == full {
		require.True(t, q.TryEnqueue(-1))
		require.True(t, q.TryEnqueue(-2))
	}
	return q
}

func TestQueuePanicEverywhere(t *testing.T) {
	for name, c := range queuePanicCases() {
		t.Run(name, func(t *testing.T) {
			q := fillQueue(t, c.state)
			require.Panics(t, func() { c.op(q) })
			assertNoWaiterLeft(t, &q.notEmpty, &q.notFull)
			withDeadline(t, func() { queueWorks(t, q) })
			assertListsUnlocked(t, &q.notEmpty, &q.notFull)
		})
	}
}

// TestQueueNilContextPanicsAtOnce checks that a nil context is reported
// with a message that says so, whatever the queue's state, before the call
// touches the queue.
func TestQueueNilContextPanicsAtOnce(t *testing.T) {
	for _, state := range []queueState{empty, full} {
		q := fillQueue(t, state)
		before := q.Len()
		assert.PanicsWithValue(t, "lockfree: Queue.Enqueue called with a nil Context", func() { _ = q.Enqueue(nilCtx, 1) })
		assert.PanicsWithValue(t, "lockfree: Queue.Dequeue called with a nil Context", func() { _, _ = q.Dequeue(nilCtx) })
		assert.Equal(t, before, q.Len(), "a call with a nil Context changed the queue")
	}
	var uq UnboundedQueue[int]
	require.NoError(t, uq.Enqueue(1))
	assert.PanicsWithValue(t, "lockfree: UnboundedQueue.Dequeue called with a nil Context", func() { _, _ = uq.Dequeue(nilCtx) })
	assert.Equal(t, 1, uq.Len())
}

func TestUnboundedQueuePanicEverywhere(t *testing.T) {
	bg := context.Background()
	for name, op := range map[string]func(q *UnboundedQueue[int]){
		"Dequeue with nil ctx":                 func(q *UnboundedQueue[int]) { _, _ = q.Dequeue(nilCtx) },
		"Dequeue with a ctx whose Done panics": func(q *UnboundedQueue[int]) { _, _ = q.Dequeue(donePanicsCtx{bg}) },
		"Dequeue with a ctx whose Err panics":  func(q *UnboundedQueue[int]) { _, _ = q.Dequeue(errPanicsCtx{cancelledCtx()}) },
		"caller panics between two operations": func(q *UnboundedQueue[int]) { _ = q.Enqueue(7); panic("caller failed") },
	} {
		t.Run(name, func(t *testing.T) {
			var q UnboundedQueue[int]
			require.Panics(t, func() { op(&q) })
			assertNoWaiterLeft(t, &q.notEmpty)
			withDeadline(t, func() { unboundedQueueWorks(t, &q) })
			assertListsUnlocked(t, &q.notEmpty)
		})
	}
}

// TestPanicEverywhereConcurrent provokes the queues' panics from several
// goroutines while others produce and consume through blocking calls, and
// checks that every element is delivered exactly once and nobody is left
// parked.
func TestPanicEverywhereConcurrent(t *testing.T) {
	forEachProcs(t, func(t *testing.T, _ int) {
		q, err := NewQueue[int](4)
		require.NoError(t, err)
		var uq UnboundedQueue[int]
		const producers, perProducer = 2, 500
		var wg, consumers sync.WaitGroup
		stop := make(chan struct{})
		var got [2][producers * perProducer]int
		var mu sync.Mutex
		record := func(queue, v int) {
			if v >= 0 { // -1 is what the goroutines with bad contexts enqueue
				mu.Lock()
				got[queue][v]++
				mu.Unlock()
			}
		}
		for range 2 {
			wg.Go(func() {
				bad := []context.Context{nilCtx, donePanicsCtx{context.Background()}, errPanicsCtx{cancelledCtx()}}
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					ctx := bad[i%len(bad)]
					func() {
						defer func() { _ = recover() }()
						switch i % 3 {
						case 0:
							_ = q.Enqueue(ctx, -1)
						case 1:
							// A bad context is consulted only if the call
							// has to wait, so this may take an element.
							if v, err := q.Dequeue(ctx); err == nil {
								record(0, v)
							}
						case 2:
							if v, err := uq.Dequeue(ctx); err == nil {
								record(1, v)
							}
						}
					}()
					runtime.Gosched()
				}
			})
		}
		for range 2 {
			consumers.Go(func() {
				for {
					v, err := q.Dequeue(context.Background())
					if err != nil {
						return
					}
					record(0, v)
				}
			})
			consumers.Go(func() {
				for {
					v, err := uq.Dequeue(context.Background())
					if err != nil {
						return
					}
					record(1, v)
				}
			})
		}
		var prod sync.WaitGroup
		for p := range producers {
			prod.Go(func() {
				for i := range perProducer {
					v := p*perProducer + i
					if err := q.Enqueue(context.Background(), v); err != nil {
						t.Errorf("Enqueue: %v", err)
					}
					if err := uq.Enqueue(v); err != nil {
						t.Errorf("UnboundedQueue.Enqueue: %v", err)
					}
				}
			})
		}
		withDeadline(t, prod.Wait)
		close(stop)
		withDeadline(t, wg.Wait)
		q.Close()
		uq.Close()
		withDeadline(t, consumers.Wait)
		for i := range producers * perProducer {
			require.Equal(t, 1, got[0][i], "Queue element %d", i)
			require.Equal(t, 1, got[1][i], "UnboundedQueue element %d", i)
		}
		assertNoWaiterLeft(t, &q.notEmpty, &q.notFull, &uq.notEmpty)
		assertListsUnlocked(t, &q.notEmpty, &q.notFull, &uq.notEmpty)
	})
}

func TestValuePanicEverywhere(t *testing.T) {
	for name, op := range map[string]func(v *Value[int]){
		"Update whose f panics": func(v *Value[int]) { v.Update(func(*int) *int { panic("boom") }) },
		"Update with nil f":     func(v *Value[int]) { v.Update(nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var v Value[int]
			one := 1
			v.Store(&one)
			require.Panics(t, func() { op(&v) })
			assert.Same(t, &one, v.Load(), "a panicking Update changed the Value")
			withDeadline(t, func() { valueWorks(t, &v) })
		})
	}
	t.Run("Update whose f calls Goexit", func(t *testing.T) {
		var v Value[int]
		one := 1
		v.Store(&one)
		done := make(chan struct{})
		go func() {
			defer close(done)
			v.Update(func(*int) *int { runtime.Goexit(); return nil })
		}()
		<-done
		assert.Same(t, &one, v.Load())
		withDeadline(t, func() { valueWorks(t, &v) })
	})
}

// TestCounterAfterCallerPanics checks that a caller panicking between
// Adds, while other goroutines add, loses nothing: Counter runs no user
// code, so a panic can only come between two of its operations.
func TestCounterAfterCallerPanics(t *testing.T) {
	var c Counter
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				func() {
					defer func() { _ = recover() }()
					c.Add(2)
					panic("caller failed")
				}()
				c.Add(-1)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int64(4000), c.Load())
	assert.Equal(t, int64(4000), c.Swap())
	c.Inc()
	c.Dec()
	c.Add(5)
	assert.Equal(t, int64(5), c.Load())
	c.Reset()
	assert.Zero(t, c.Load())
}

// assertNoWaiterLeft checks that no goroutine is listed as parked on the
// lists.
func assertNoWaiterLeft(t *testing.T, lists ...*park.List) {
	t.Helper()
	for i, l := range lists {
		assert.Zero(t, l.Len(), "list %d still has a waiter", i)
	}
}

// assertListsUnlocked checks that the lists' mutexes are free: NotifyAll
// takes each (and wakes whoever is listed, so call it last).
func assertListsUnlocked(t *testing.T, lists ...*park.List) {
	t.Helper()
	for _, l := range lists {
		withDeadline(t, l.NotifyAll)
	}
}

// withDeadline runs f and fails the test if it does not return within 30
// seconds: a goroutine that a lost notification never wakes would
// otherwise hang the test binary.
func withDeadline(t *testing.T, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("an operation blocked: a waiter or a lock leaked")
	}
}

// queueWorks drains q, then runs every operation of a Queue of capacity 2,
// with a consumer and a producer parked so that a notification lost to a
// leftover waiter would leave one of them asleep.
func queueWorks(t *testing.T, q *Queue[int]) {
	ctx := context.Background()
	parkedDequeueWakes(t, &q.notEmpty, q.TryDequeue, q.Dequeue, func(v int) { require.True(t, q.TryEnqueue(v)) })

	require.NoError(t, q.Enqueue(ctx, 11))
	require.True(t, q.TryEnqueue(12))
	assert.False(t, q.TryEnqueue(13), "full")
	sent := make(chan error)
	parked := q.notFull.Len()
	go func() { sent <- q.Enqueue(ctx, 13) }()
	waitParked(t, q.notFull.Len, parked+1)
	v, err := q.Dequeue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 11, v)
	require.NoError(t, <-sent, "a parked Enqueue was not woken")
	assert.Equal(t, 2, q.Len())
	assert.Equal(t, 2, q.Cap())
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 12, v)

	q.Close()
	assert.ErrorIs(t, q.Enqueue(ctx, 14), ErrClosed)
	assert.False(t, q.TryEnqueue(14))
	v, err = q.Dequeue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 13, v)
	_, err = q.Dequeue(ctx)
	assert.ErrorIs(t, err, ErrClosed)
	_, ok = q.TryDequeue()
	assert.False(t, ok)
	_ = q.Stats()
}

// parkedDequeueWakes drains a queue, parks a Dequeue on it (waiting on
// list, behind any waiter a panic may have left there) and checks that an
// enqueue wakes it.
func parkedDequeueWakes(t *testing.T, list *park.List, tryDequeue func() (int, bool),
	dequeue func(context.Context) (int, error), enqueue func(int)) {
	for {
		if _, ok := tryDequeue(); !ok {
			break
		}
	}
	got := make(chan int)
	parked := list.Len()
	go func() {
		v, err := dequeue(context.Background())
		assert.NoError(t, err)
		got <- v
	}()
	waitParked(t, list.Len, parked+1)
	enqueue(10)
	assert.Equal(t, 10, <-got, "a parked Dequeue was not woken")
}

// unboundedQueueWorks is queueWorks for an UnboundedQueue.
func unboundedQueueWorks(t *testing.T, q *UnboundedQueue[int]) {
	ctx := context.Background()
	parkedDequeueWakes(t, &q.notEmpty, q.TryDequeue, q.Dequeue, func(v int) { require.NoError(t, q.Enqueue(v)) })
	for i := range 3 * segCap {
		require.NoError(t, q.Enqueue(i))
	}
	assert.Equal(t, 3*segCap, q.Len())
	for i := range 3 * segCap {
		v, err := q.Dequeue(ctx)
		require.NoError(t, err)
		require.Equal(t, i, v)
	}
	require.NoError(t, q.Enqueue(11))
	q.Close()
	assert.ErrorIs(t, q.Enqueue(12), ErrClosed)
	v, ok := q.TryDequeue()
	require.True(t, ok)
	assert.Equal(t, 11, v)
	_, err := q.Dequeue(ctx)
	assert.ErrorIs(t, err, ErrClosed)
	_ = q.Stats()
}

// valueWorks runs every operation of a Value, with concurrent Updates.
func valueWorks(t *testing.T, v *Value[int]) {
	zero := 0
	v.Store(&zero)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 100 {
				v.Update(func(old *int) *int { n := *old + 1; return &n })
			}
		})
	}
	wg.Wait()
	assert.Equal(t, 400, *v.Load())
	two := 2
	old := v.Swap(&two)
	assert.Equal(t, 400, *old)
	assert.True(t, v.CompareAndSwap(&two, old))
	assert.Same(t, old, v.Load())
}
