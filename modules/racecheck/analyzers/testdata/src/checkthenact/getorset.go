package checkthenact

// Writes decided by what a LoadOrStore found. From the fourth held-out set
// (4 December), missed as measured; with near-misses.

import "sync"

// dolt go/libraries/doltcore/sqle/dsess/autoincrement_tracker.go at
// 6cf689f35954^ (fixed in 6cf689f35954): the tracker keeps the highest
// sequence seen across branches, read concurrently, with LoadOrStore and
// then a Store when the value found is lower; two goroutines with higher
// values can both find the old one, and the lower of theirs may be stored
// last.
type autoIncrementTracker struct {
	sequences sync.Map
}

func (a *autoIncrementTracker) observe(table string, seq uint64) {
	if old, loaded := a.sequences.LoadOrStore(table, seq); loaded && seq > old.(uint64) {
		a.sequences.Store(table, seq) // want `a.sequences.Store\(table\) after a.sequences.LoadOrStore\(table\) on line 19 is decided by the loaded value, but is not atomic with it: another goroutine can change table in between, and this Store acts on a stale value; use a CompareAndSwap loop`
	}
}

// The fix: a CompareAndSwap loop raises the value only from the one it saw.
func (a *autoIncrementTracker) observeFixed(table string, seq uint64) {
	if v, loaded := a.sequences.LoadOrStore(table, seq); loaded {
		old := v.(uint64)
		for seq > old && !a.sequences.CompareAndSwap(table, old, seq) {
			v, _ = a.sequences.Load(table)
			old = v.(uint64)
		}
	}
}

// A value merged with the one found: the merge another goroutine stored in
// between is lost.
func (a *autoIncrementTracker) merge(table string, seen []uint64) {
	v, loaded := a.sequences.LoadOrStore(table, seen)
	if loaded {
		a.sequences.Store(table, append(v.([]uint64), seen...)) // want `stores a value computed from the loaded one`
	}
}

// Near-miss: a placeholder claimed with LoadOrStore and replaced by its
// owner: only the goroutine whose LoadOrStore stored reaches the Store.
type pending struct{ done chan struct{} }

func (a *autoIncrementTracker) fill(table string, compute func() uint64) uint64 {
	ph := &pending{done: make(chan struct{})}
	v, loaded := a.sequences.LoadOrStore(table, ph)
	if loaded {
		if p, ok := v.(*pending); ok {
			<-p.done
			return 0
		}
		return v.(uint64)
	}
	a.sequences.Store(table, compute())
	close(ph.done)
	return 0
}

// Near-miss (dubbo-go config_center/zookeeper/listener.go): the set found is
// changed in place and put back; nothing else ever replaces or removes an
// entry of the map, so the Store overwrites only what it loaded. (The set
// itself, a plain map changed by several goroutines, is a data race the
// race detector reports.)
type cacheListener struct {
	keyListeners sync.Map
}

func (l *cacheListener) add(key string, listener string) {
	set, loaded := l.keyListeners.LoadOrStore(key, map[string]struct{}{listener: {}})
	if loaded {
		set.(map[string]struct{})[listener] = struct{}{}
		l.keyListeners.Store(key, set)
	}
}

// The same write-back into a map whose entries are also removed: a Delete
// and a new set in between, and the Store brings the old set back.
type removableListener struct {
	keyListeners sync.Map
}

func (l *removableListener) add(key string, listener string) {
	set, loaded := l.keyListeners.LoadOrStore(key, map[string]struct{}{listener: {}})
	if loaded {
		set.(map[string]struct{})[listener] = struct{}{}
		l.keyListeners.Store(key, set) // want `stores a value computed from the loaded one`
	}
}

func (l *removableListener) drop(key string) { l.keyListeners.Delete(key) }
