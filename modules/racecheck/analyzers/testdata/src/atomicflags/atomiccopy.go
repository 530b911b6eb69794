package atomicflags

import (
	"context"
	"sync"
	"sync/atomic"
)

// adhocore/gronx pkg/tasker/tasker.go at 07c6e8c (fixed in 21381a1,
// adhocore/gronx#46): a task's "running" flag is copied out of a map and
// swapped on the copy, which every caller wins, then written back.
type taskFunc func(ctx context.Context) (int, error)

type tasker struct {
	mutex map[string]uint32
	wg    sync.WaitGroup
}

func (t *tasker) canRun(ref string) bool {
	lock, ok := t.mutex[ref]
	if !ok {
		return true
	}
	if atomic.CompareAndSwapUint32(&lock, 0, 1) { // want `atomic.CompareAndSwapUint32\(&lock, …\) acts on lock, a local copy of t.mutex\[ref\]: no other goroutine can see the copy, so the atomic step protects nothing`
		t.mutex[ref] = 1
		return true
	}
	return false
}

func (t *tasker) doRun(ctx context.Context, ref string, task taskFunc) {
	defer t.wg.Done()
	_, _ = task(ctx)
	if lock, ok := t.mutex[ref]; ok {
		atomic.StoreUint32(&lock, 0) // want `atomic.StoreUint32\(&lock, …\) acts on lock, a local copy of t.mutex\[ref\]`
		t.mutex[ref] = 0
	}
}

// The fix: the map holds pointers, filled once, and the atomic steps act
// on the shared word.
type taskerFixed struct {
	mutex map[string]*uint32
}

func (t *taskerFixed) canRun(ref string) bool {
	lock, ok := t.mutex[ref]
	return !ok || atomic.CompareAndSwapUint32(lock, 0, 1)
}

func (t *taskerFixed) done(ref string) {
	if lock, ok := t.mutex[ref]; ok {
		atomic.StoreUint32(lock, 0)
	}
}

// A copy of a field or of a package variable is the function's own too.
type hits struct{ n int64 }

var totalHits int64

func (h *hits) bump() int64 {
	n := h.n
	atomic.AddInt64(&n, 1) // want `atomic.AddInt64\(&n, …\) acts on n, a local copy of h.n`
	h.n = n
	return atomic.AddInt64(&totalHits, 1)
}

func bumpGlobal() {
	n := totalHits
	atomic.AddInt64(&n, 1) // want `a local copy of totalHits`
	totalHits = n
}

// Near-miss: a local counter the goroutines it starts share through a
// closure is shared state.
func countParallel(items []int) int64 {
	var n int64
	var wg sync.WaitGroup
	for range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			atomic.AddInt64(&n, 1)
		}()
	}
	wg.Wait()
	return atomic.LoadInt64(&n)
}

// Near-miss: a local whose address is handed on is shared with whoever
// receives it.
func startWorkers(h *hits, start func(*int64)) {
	n := h.n
	start(&n)
	atomic.AddInt64(&n, 1)
}

// Near-miss: a local set to a constant copies nothing shared (pointless,
// not a race).
func localOnly() int64 {
	var n int64
	atomic.AddInt64(&n, 1)
	return n
}

// Near-miss: a field of the function's own struct value.
func ownValue() int64 {
	var h hits
	n := h.n
	atomic.AddInt64(&n, 1)
	return n
}
