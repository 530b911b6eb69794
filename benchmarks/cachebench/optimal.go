package cachebench

import "container/heap"

// OptimalHitRatio returns the hit ratio in percent of Belady's clairvoyant
// policy (on a miss with a full cache, evict the entry needed furthest in
// the future) replaying keys with a cache of capacity entries. No online
// policy can do better, so it bounds every column of a hit-ratio table: a
// cache that scores above it held more entries than its capacity.
func OptimalHitRatio(keys []uint64, capacity int) float64 {
	if len(keys) == 0 {
		return 0
	}
	// next[i] is the index of the next request for keys[i], or len(keys).
	next := make([]int, len(keys))
	last := make(map[uint64]int, len(keys)/4)
	for i := len(keys) - 1; i >= 0; i-- {
		if j, ok := last[keys[i]]; ok {
			next[i] = j
		} else {
			next[i] = len(keys)
		}
		last[keys[i]] = i
	}
	// resident maps a cached key to its next use; the heap orders resident
	// keys by next use, furthest first, with stale entries skipped lazily.
	resident := make(map[uint64]int, capacity)
	h := &useHeap{}
	hits := 0
	for i, k := range keys {
		if _, ok := resident[k]; ok {
			hits++
		} else if len(resident) >= capacity {
			for {
				top := heap.Pop(h).(use)
				if resident[top.key] == top.next {
					delete(resident, top.key)
					break
				}
			}
		}
		resident[k] = next[i]
		heap.Push(h, use{key: k, next: next[i]})
	}
	return 100 * float64(hits) / float64(len(keys))
}

type use struct {
	key  uint64
	next int
}

// useHeap is a max-heap of uses by next.
type useHeap []use

func (h useHeap) Len() int           { return len(h) }
func (h useHeap) Less(i, j int) bool { return h[i].next > h[j].next }
func (h useHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *useHeap) Push(x any)        { *h = append(*h, x.(use)) }
func (h *useHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
