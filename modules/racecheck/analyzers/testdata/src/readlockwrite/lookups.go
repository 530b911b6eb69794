package readlockwrite

import (
	"fmt"
	"sync"
)

// Objects a container with no lock of its own hands back by a lookup
// method are the container's holder's state, as its elements are.

// orderedTree is a tree map with no lock of its own, as emirpasic/gods'
// treemap is.
type orderedTree struct {
	keys   []int
	values []any
}

func (t *orderedTree) Get(k int) (any, bool) {
	for i, key := range t.keys {
		if key == k {
			return t.values[i], true
		}
	}
	return nil, false
}

func (t *orderedTree) Put(k int, v any) {
	t.keys = append(t.keys, k)
	t.values = append(t.values, v)
}

// 0xPolygon/bor core/blockstm/mvhashmap.go at c559619c^ (fixed in
// c559619c, bor#1141): MarkEstimate set a cell's flag through
// cells.tm.Get under the read lock; Write sets the same field under the
// write lock.
type writeCell struct {
	flag        uint
	incarnation int
}

type txCells struct {
	rw sync.RWMutex
	tm *orderedTree
}

func (cells *txCells) Write(txIdx, incarnation int) {
	cells.rw.Lock()
	defer cells.rw.Unlock()
	if ci, ok := cells.tm.Get(txIdx); ok {
		ci.(*writeCell).flag = 1
		ci.(*writeCell).incarnation = incarnation
		return
	}
	cells.tm.Put(txIdx, &writeCell{flag: 1, incarnation: incarnation})
}

func (cells *txCells) MarkEstimate(txIdx int) {
	cells.rw.RLock()
	if ci, ok := cells.tm.Get(txIdx); !ok {
		panic(fmt.Sprintf("cell %d should be present", txIdx))
	} else {
		ci.(*writeCell).flag = 2 // want `ci.\(\*writeCell\).flag is written while only cells.rw's read lock \(RLock on line 58\) is held: concurrent holders of the read lock run this write at the same time as each other and as every reader, so updates are lost and readers see torn values; the package writes flag in the elements of cells.tm with cells.rw.s write lock held \(line 50\)`
	}
	cells.rw.RUnlock()
}

// Near-miss: reading what the lookup found.
func (cells *txCells) Flag(txIdx int) uint {
	cells.rw.RLock()
	defer cells.rw.RUnlock()
	if ci, ok := cells.tm.Get(txIdx); ok {
		return ci.(*writeCell).flag
	}
	return 0
}

// yaklang/yaklang common/utils/limitedmap/safemap.go at a06661a2^ (fixed in
// a06661a2, "fix rlock use"): Load, under the read lock, assigns the named
// result value from the map and merges the parent's entries into it as a
// map, a write into a map the guarded map holds.
type layeredMap struct {
	parent *layeredMap
	m      map[string]any
	lock   *sync.RWMutex
}

func (sm *layeredMap) Store(key string, v any) {
	sm.lock.Lock()
	defer sm.lock.Unlock()
	sm.m[key] = v
}

func (sm *layeredMap) Load(key string) (value any, ok bool) {
	sm.lock.RLock()
	defer sm.lock.RUnlock()
	value, ok = sm.m[key]
	if ok {
		if raw, ok := value.(map[string]any); ok && sm.parent != nil {
			if ext, ok2 := sm.parent.Load(key); ok2 {
				if extMap, typeOk := ext.(map[string]any); typeOk {
					for k, v := range extMap {
						if _, existed := raw[k]; !existed {
							raw[k] = v // want `raw \(an element of sm.m\) is written while only sm.lock's read lock \(RLock on line 94\) is held`
						}
					}
					return raw, true
				}
			}
		}
		return
	}
	if sm.parent != nil {
		return sm.parent.Load(key)
	}
	return
}

// Near-miss: a named result used before the map read is not an alias.
func (sm *layeredMap) Merge(key string, extra map[string]any) (value any) {
	sm.lock.RLock()
	defer sm.lock.RUnlock()
	value = extra
	if v, ok := sm.m[key]; ok {
		_ = v
	}
	if raw, ok := value.(map[string]any); ok {
		raw["merged"] = true
	}
	return value
}
