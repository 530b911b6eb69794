// Package mapbench compares safemap.Map and safemap.SyncMap with sync.Map,
// a map guarded by a sync.RWMutex, xsync.Map and concurrent-map (cmap) on
// the workloads of go-concurrent-map-bench: int and string keys, 1K and 1M
// warmed-up entries, 100/99/90/75/50/0 % reads with the rest split evenly
// between stores and deletes. It also measures Range over 1M entries under
// a concurrent writer and the heap bytes per entry of a 1M int→int map.
//
// Reproduce from the repository root with several rounds of -count 1 (each
// round runs the implementations of a case back to back), then take
// medians:
//
//	for i in 1 2 3 4 5; do
//		go test -run '^$' -bench . -benchmem -cpu 1,2,4 -count 1 ./benchmarks/mapbench
//	done
//
// On a loaded machine those absolute times swing by several times between
// rounds. BenchmarkMapReadWritePaired measures the 1K cells as ratios of
// adjacent millisecond slices instead, which stay within a few percent
// from round to round:
//
//	go test -run '^$' -bench MapReadWritePaired -benchtime 150x -cpu 1,2,4 ./benchmarks/mapbench
//
// In -short mode (the CI smoke run) the 1M-entry read/write cases are
// skipped and Range and memory use 64K entries.
package mapbench

import (
	"fmt"
	"sync"

	cmap "github.com/orcaman/concurrent-map/v2"
	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/safemap"
)

// impl is one map implementation under test. Keys are passed by index into
// the key set the impl was built for, so that each impl uses its keys in
// its natural form (typed, or boxed once in an interface for the any-keyed
// maps, as a program holding keys of type any would).
type impl interface {
	load(i int) (int, bool)
	store(i, v int)
	del(i int)
	rangeAll(f func(v int))
}

type factory[K comparable] struct {
	name string
	make func(keys []K) impl
}

func factories[K comparable]() []factory[K] {
	return []factory[K]{
		{"safemap.Map", func(keys []K) impl { return &safemapImpl[K]{keys: keys} }},
		{"safemap.SyncMap", func(keys []K) impl { return &safeSyncImpl{keys: boxed(keys)} }},
		{"sync.Map", func(keys []K) impl { return &syncImpl{keys: boxed(keys)} }},
		{"RWMutexMap", func(keys []K) impl { return &rwImpl[K]{keys: keys, m: map[K]int{}} }},
		{"xsync.Map", func(keys []K) impl { return &xsyncImpl[K]{keys: keys, m: xsync.NewMap[K, int]()} }},
		{"cmap", func(keys []K) impl { return &cmapImpl[K]{keys: keys, m: newCmap[K]()} }},
	}
}

func boxed[K comparable](keys []K) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = k
	}
	return out
}

type safemapImpl[K comparable] struct {
	keys []K
	m    safemap.Map[K, int]
}

func (s *safemapImpl[K]) load(i int) (int, bool) { return s.m.Load(s.keys[i]) }
func (s *safemapImpl[K]) store(i, v int)         { s.m.Store(s.keys[i], v) }
func (s *safemapImpl[K]) del(i int)              { s.m.Delete(s.keys[i]) }
func (s *safemapImpl[K]) rangeAll(f func(int)) {
	s.m.Range(func(_ K, v int) bool { f(v); return true })
}

type safeSyncImpl struct {
	keys []any
	m    safemap.SyncMap
}

func (s *safeSyncImpl) load(i int) (int, bool) {
	v, ok := s.m.Load(s.keys[i])
	if !ok {
		return 0, false
	}
	return v.(int), true
}
func (s *safeSyncImpl) store(i, v int) { s.m.Store(s.keys[i], v) }
func (s *safeSyncImpl) del(i int)      { s.m.Delete(s.keys[i]) }
func (s *safeSyncImpl) rangeAll(f func(int)) {
	s.m.Range(func(_, v any) bool { f(v.(int)); return true })
}

// syncImpl is the typed wrapper around sync.Map that a program would write.
type syncImpl struct {
	keys []any
	m    sync.Map
}

func (s *syncImpl) load(i int) (int, bool) {
	v, ok := s.m.Load(s.keys[i])
	if !ok {
		return 0, false
	}
	return v.(int), true
}
func (s *syncImpl) store(i, v int) { s.m.Store(s.keys[i], v) }
func (s *syncImpl) del(i int)      { s.m.Delete(s.keys[i]) }
func (s *syncImpl) rangeAll(f func(int)) {
	s.m.Range(func(_, v any) bool { f(v.(int)); return true })
}

// rwImpl is RWMutexMap: a plain map guarded by a sync.RWMutex.
type rwImpl[K comparable] struct {
	keys []K
	mu   sync.RWMutex
	m    map[K]int
}

func (s *rwImpl[K]) load(i int) (int, bool) {
	s.mu.RLock()
	v, ok := s.m[s.keys[i]]
	s.mu.RUnlock()
	return v, ok
}

func (s *rwImpl[K]) store(i, v int) {
	s.mu.Lock()
	s.m[s.keys[i]] = v
	s.mu.Unlock()
}

func (s *rwImpl[K]) del(i int) {
	s.mu.Lock()
	delete(s.m, s.keys[i])
	s.mu.Unlock()
}

func (s *rwImpl[K]) rangeAll(f func(int)) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.m {
		f(v)
	}
}

type xsyncImpl[K comparable] struct {
	keys []K
	m    *xsync.Map[K, int]
}

func (s *xsyncImpl[K]) load(i int) (int, bool) { return s.m.Load(s.keys[i]) }
func (s *xsyncImpl[K]) store(i, v int)         { s.m.Store(s.keys[i], v) }
func (s *xsyncImpl[K]) del(i int)              { s.m.Delete(s.keys[i]) }
func (s *xsyncImpl[K]) rangeAll(f func(int)) {
	s.m.Range(func(_ K, v int) bool { f(v); return true })
}

type cmapImpl[K comparable] struct {
	keys []K
	m    cmap.ConcurrentMap[K, int]
}

func (s *cmapImpl[K]) load(i int) (int, bool) { return s.m.Get(s.keys[i]) }
func (s *cmapImpl[K]) store(i, v int)         { s.m.Set(s.keys[i], v) }
func (s *cmapImpl[K]) del(i int)              { s.m.Remove(s.keys[i]) }
func (s *cmapImpl[K]) rangeAll(f func(int)) {
	s.m.IterCb(func(_ K, v int) { f(v) })
}

// newCmap uses cmap's own FNV sharding for strings and a multiplicative
// hash for ints (cmap has no built-in int sharding).
func newCmap[K comparable]() cmap.ConcurrentMap[K, int] {
	var zero K
	switch any(zero).(type) {
	case string:
		return any(cmap.New[int]()).(cmap.ConcurrentMap[K, int])
	case int:
		return cmap.NewWithCustomShardingFunction[K, int](func(k K) uint32 {
			x := uint64(any(k).(int)) * 0x9e3779b97f4a7c15
			return uint32(x >> 32)
		})
	}
	panic(fmt.Sprintf("mapbench: no cmap sharding for %T", zero))
}
