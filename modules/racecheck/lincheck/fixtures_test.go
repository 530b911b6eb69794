package lincheck_test

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

// forEachProcs runs f in a subtest per GOMAXPROCS value, restoring it after.
func forEachProcs(t *testing.T, f func(t *testing.T)) {
	for _, procs := range []int{1, 2, 4} {
		t.Run(fmt.Sprintf("GOMAXPROCS=%d", procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			f(t)
		})
	}
}

type (
	syncMapT = sync.Map
	mapIn    = lincheck.MapInput[int, int]
	mapOut   = lincheck.MapOutput[int]
	qIn      = lincheck.QueueInput[int]
	qOut     = lincheck.QueueOutput[int]
)

// lockedMap is a map guarded by a mutex. With splitLoadOrStore set, its
// LoadOrStore is the classic atomicity bug: a locked Load, then a locked
// Store, with a Yield between them. -race cannot see it: every access is
// locked.
type lockedMap struct {
	mu               sync.Mutex
	m                map[int]int
	splitLoadOrStore bool
}

func newLockedMap() *lockedMap { return &lockedMap{m: map[int]int{}} }

func (l *lockedMap) load(k int) (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	v, ok := l.m[k]
	return v, ok
}

func (l *lockedMap) do(in mapIn) mapOut {
	if in.Op == lincheck.MapLoadOrStore && l.splitLoadOrStore {
		if v, ok := l.load(in.Key); ok {
			return mapOut{Value: v, Ok: true}
		}
		lincheck.Yield()
		l.mu.Lock()
		l.m[in.Key] = in.Value
		l.mu.Unlock()
		return mapOut{Value: in.Value}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	cur, ok := l.m[in.Key]
	switch in.Op {
	case lincheck.MapLoad:
		return mapOut{Value: cur, Ok: ok}
	case lincheck.MapStore:
		l.m[in.Key] = in.Value
	case lincheck.MapLoadOrStore:
		if ok {
			return mapOut{Value: cur, Ok: true}
		}
		l.m[in.Key] = in.Value
		return mapOut{Value: in.Value}
	case lincheck.MapLoadAndDelete:
		delete(l.m, in.Key)
		return mapOut{Value: cur, Ok: ok}
	case lincheck.MapDelete:
		delete(l.m, in.Key)
	case lincheck.MapSwap:
		l.m[in.Key] = in.Value
		return mapOut{Value: cur, Ok: ok}
	case lincheck.MapCompareAndSwap:
		if ok && cur == in.Old {
			l.m[in.Key] = in.Value
			return mapOut{Ok: true}
		}
	case lincheck.MapCompareAndDelete:
		if ok && cur == in.Old {
			delete(l.m, in.Key)
			return mapOut{Ok: true}
		}
	case lincheck.MapCompute:
		v, action := in.Compute.Fn(cur, ok)
		switch action {
		case lincheck.ComputeUpdate:
			l.m[in.Key] = v
			return mapOut{Value: v, Ok: true}
		case lincheck.ComputeDelete:
			delete(l.m, in.Key)
			return mapOut{}
		}
		return mapOut{Value: cur, Ok: ok}
	case lincheck.MapClear:
		clear(l.m)
	}
	return mapOut{}
}

// syncMapDo applies a map operation to a sync.Map.
func syncMapDo(m *sync.Map, in mapIn) mapOut {
	get := func(v any, ok bool) mapOut {
		if !ok {
			return mapOut{}
		}
		return mapOut{Value: v.(int), Ok: true}
	}
	switch in.Op {
	case lincheck.MapLoad:
		return get(m.Load(in.Key))
	case lincheck.MapStore:
		m.Store(in.Key, in.Value)
	case lincheck.MapLoadOrStore:
		v, loaded := m.LoadOrStore(in.Key, in.Value)
		return mapOut{Value: v.(int), Ok: loaded}
	case lincheck.MapLoadAndDelete:
		return get(m.LoadAndDelete(in.Key))
	case lincheck.MapDelete:
		m.Delete(in.Key)
	case lincheck.MapSwap:
		return get(m.Swap(in.Key, in.Value))
	case lincheck.MapCompareAndSwap:
		return mapOut{Ok: m.CompareAndSwap(in.Key, in.Old, in.Value)}
	case lincheck.MapCompareAndDelete:
		return mapOut{Ok: m.CompareAndDelete(in.Key, in.Old)}
	case lincheck.MapClear:
		m.Clear()
	default:
		panic(fmt.Sprintf("sync.Map has no %v", in.Op))
	}
	return mapOut{}
}

// counter is an int64 counter; with racy set, Add is a Load followed by a
// Store (atomic each, so -race is silent) and loses concurrent updates.
type counter struct {
	v    atomic.Int64
	racy bool
}

func (c *counter) do(in lincheck.CounterInput) int64 {
	switch in.Op {
	case lincheck.CounterAdd:
		if c.racy {
			v := c.v.Load()
			lincheck.Yield()
			c.v.Store(v + in.Delta)
			return 0
		}
		c.v.Add(in.Delta)
	case lincheck.CounterAddAndGet:
		return c.v.Add(in.Delta)
	case lincheck.CounterLoad:
		return c.v.Load()
	case lincheck.CounterSwap:
		return c.v.Swap(0)
	case lincheck.CounterReset:
		c.v.Store(0)
	}
	return 0
}

// queueBug selects a defect of mutexQueue.
type queueBug int

const (
	noBug queueBug = iota
	// duplicating: TryDequeue reads the head, unlocks, and removes it in a
	// second critical section, so two consumers can take the same element.
	duplicating
	// spurious: TryDequeue gives up when the lock is busy, like a lock-free
	// queue that gives up after one lost CAS, although the queue is not empty.
	spurious
)

// mutexQueue is a bounded FIFO queue guarded by a mutex.
type mutexQueue struct {
	mu    sync.Mutex
	items []int
	cap   int
	bug   queueBug
}

func (q *mutexQueue) do(in qIn) qOut {
	switch in.Op {
	case lincheck.QueueEnqueue, lincheck.QueueTryEnqueue:
		q.mu.Lock()
		defer q.mu.Unlock()
		lincheck.Yield()
		if q.cap > 0 && len(q.items) >= q.cap {
			return qOut{}
		}
		q.items = append(q.items, in.Value)
		return qOut{Ok: true}
	case lincheck.QueueTryDequeue:
		return q.tryDequeue()
	}
	panic(fmt.Sprintf("unknown queue operation %d", in.Op))
}

func (q *mutexQueue) tryDequeue() qOut {
	switch q.bug {
	case duplicating:
		q.mu.Lock()
		if len(q.items) == 0 {
			q.mu.Unlock()
			return qOut{}
		}
		v := q.items[0]
		q.mu.Unlock()
		lincheck.Yield()
		q.mu.Lock()
		if len(q.items) > 0 {
			q.items = q.items[1:]
		}
		q.mu.Unlock()
		return qOut{Value: v, Ok: true}
	case spurious:
		if !q.mu.TryLock() {
			return qOut{}
		}
	default:
		q.mu.Lock()
	}
	defer q.mu.Unlock()
	lincheck.Yield()
	if len(q.items) == 0 {
		return qOut{}
	}
	v := q.items[0]
	q.items = q.items[1:]
	return qOut{Value: v, Ok: true}
}

// mutexSet is a set guarded by a mutex.
type mutexSet struct {
	mu sync.Mutex
	m  map[int]bool
}

func (s *mutexSet) do(in lincheck.SetInput[int]) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	present := s.m[in.Elem]
	switch in.Op {
	case lincheck.SetAdd:
		s.m[in.Elem] = true
		return !present
	case lincheck.SetRemove:
		delete(s.m, in.Elem)
		return present
	}
	return present
}

// registerDo applies a register operation to an atomic.Int64.
func registerDo(r *atomic.Int64, in lincheck.RegisterInput[int64]) lincheck.RegisterOutput[int64] {
	switch in.Op {
	case lincheck.RegisterLoad:
		return lincheck.RegisterOutput[int64]{Value: r.Load()}
	case lincheck.RegisterStore:
		r.Store(in.Value)
	case lincheck.RegisterSwap:
		return lincheck.RegisterOutput[int64]{Value: r.Swap(in.Value)}
	case lincheck.RegisterCompareAndSwap:
		return lincheck.RegisterOutput[int64]{Ok: r.CompareAndSwap(in.Old, in.Value)}
	}
	return lincheck.RegisterOutput[int64]{}
}

var computes = []lincheck.ComputeFunc[int]{
	{Name: "inc", Fn: func(old int, _ bool) (int, lincheck.ComputeAction) { return old + 1, lincheck.ComputeUpdate }},
	{Name: "deleteIfOdd", Fn: func(old int, loaded bool) (int, lincheck.ComputeAction) {
		if loaded && old%2 == 1 {
			return 0, lincheck.ComputeDelete
		}
		return old, lincheck.ComputeCancel
	}},
}

var allMapOps = []lincheck.MapOpKind{lincheck.MapLoad, lincheck.MapStore, lincheck.MapLoadOrStore,
	lincheck.MapLoadAndDelete, lincheck.MapDelete, lincheck.MapSwap, lincheck.MapCompareAndSwap,
	lincheck.MapCompareAndDelete, lincheck.MapClear}

func lockedMapSpec(split bool, ops ...lincheck.MapOpKind) lincheck.Spec[*lockedMap, lincheck.MapState[int, int], mapIn, mapOut] {
	return lincheck.Spec[*lockedMap, lincheck.MapState[int, int], mapIn, mapOut]{
		Model: lincheck.MapModel[int, int](),
		New: func() *lockedMap {
			m := newLockedMap()
			m.splitLoadOrStore = split
			return m
		},
		Do:  (*lockedMap).do,
		Gen: lincheck.RandomMapOps([]int{1, 2}, []int{1, 2, 3}, computes, ops...),
	}
}

func syncMapSpec() lincheck.Spec[*sync.Map, lincheck.MapState[int, int], mapIn, mapOut] {
	return lincheck.Spec[*sync.Map, lincheck.MapState[int, int], mapIn, mapOut]{
		Model: lincheck.MapModel[int, int](),
		New:   func() *sync.Map { return new(sync.Map) },
		Do:    syncMapDo,
		Gen:   lincheck.RandomMapOps([]int{1, 2}, []int{1, 2, 3}, nil, allMapOps...),
	}
}

func counterSpec(racy bool, ops ...lincheck.CounterOpKind) lincheck.Spec[*counter, int64, lincheck.CounterInput, int64] {
	return lincheck.Spec[*counter, int64, lincheck.CounterInput, int64]{
		Model: lincheck.CounterModel(),
		New:   func() *counter { return &counter{racy: racy} },
		Do:    (*counter).do,
		Gen:   lincheck.RandomCounterOps([]int64{1, 2, -1}, ops...),
	}
}

func queueSpec(capacity int, bug queueBug, ops ...lincheck.QueueOpKind) lincheck.Spec[*mutexQueue, []int, qIn, qOut] {
	return lincheck.Spec[*mutexQueue, []int, qIn, qOut]{
		Model: lincheck.QueueModel[int](capacity),
		New:   func() *mutexQueue { return &mutexQueue{cap: capacity, bug: bug} },
		Do:    (*mutexQueue).do,
		Gen:   lincheck.RandomQueueOps(ops...),
	}
}
