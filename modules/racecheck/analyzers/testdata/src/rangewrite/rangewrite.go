package rangewrite

import (
	"sync"
	"sync/atomic"
)

type registry struct {
	mu    sync.Mutex
	names map[string]int
}

// Positive cases.

func rangeWhileGoroutineWrites(keys []string) int {
	m := map[string]int{}
	go func() {
		for i, k := range keys {
			m[k] = i
		}
	}()
	total := 0
	for _, v := range m { // want `this ranges over map m while the goroutine started on line 17 writes it \(line 19\)`
		total += v
	}
	return total
}

func writeWhileGoroutineRanges(m map[int]int) {
	go func() {
		for k := range m {
			_ = k
		}
	}()
	delete(m, 1) // want `this writes map m while the goroutine started on line 30 ranges over it`
}

func fieldMap(r *registry) {
	go func() {
		r.names["x"]++
	}()
	for range r.names { // want `ranges over map r.names`
	}
}

func twoGoroutines(m map[int]bool) {
	go func() {
		clear(m)
	}()
	go func() {
		for range m { // want `ranges over map m while the goroutine started on line 47 writes it`
		}
	}()
}

// Negative cases.

func sharedLock(r *registry) {
	go func() {
		r.mu.Lock()
		r.names["x"] = 1
		r.mu.Unlock()
	}()
	r.mu.Lock()
	for range r.names {
	}
	r.mu.Unlock()
}

func waitFirst(m map[string]int) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		m["a"] = 1
	}()
	wg.Wait()
	for range m {
	}
}

func channelHandoff(m map[string]int) {
	done := make(chan struct{})
	go func() {
		m["a"] = 1
		close(done)
	}()
	<-done
	for range m {
	}
}

func rangeBeforeGo(m map[string]int) {
	for range m {
	}
	go func() {
		m["a"] = 1
	}()
}

func differentMaps(a, b map[string]int) {
	go func() {
		a["x"] = 1
	}()
	for range b {
	}
}

func onlyReads(m map[string]int) {
	go func() {
		_ = m["x"]
	}()
	for range m {
	}
}

func goroutineInReturningBranch(m map[string]int, async bool) {
	if async {
		go func() {
			m["a"] = 1
		}()
		return
	}
	for range m {
	}
}

func atomicFlag(m map[string]int, ready *atomic.Bool) {
	go func() {
		for !ready.Load() {
		}
		m["a"] = 1
	}()
	for range m {
	}
	ready.Store(true)
}

func namedFunction(m map[string]int) {
	go fill(m)
	for range m {
	}
}

func fill(m map[string]int) { m["a"] = 1 }

func sliceNotMap(s []int) {
	go func() {
		s[0] = 1
	}()
	for range s {
	}
}
