package safemap

import (
	"hash/maphash"
	"reflect"
	"sync"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/safemap/internal/wordvalue"
)

// Map is a concurrent hash map with keys of type K and values of type V,
// safe for use by multiple goroutines without additional locking or
// coordination. The zero Map is empty and ready for use. A Map must not be
// copied after first use.
//
// Loads, presence checks and iteration are lock-free; writers lock one
// bucket (a chain of at most a few entries) for the key they write, so
// writers of different keys rarely contend. Len is O(P) for P = GOMAXPROCS
// stripes; Snapshot, Stats and resizing are O(N).
//
// In the terminology of [the Go memory model], Map arranges that a write
// operation “synchronizes before” any read operation that observes the
// effect of the write, where read and write operations are defined as
// follows. Load, LoadAndDelete, LoadOrStore, LoadOrCompute, Swap,
// CompareAndSwap, CompareAndDelete, Compute and Snapshot are read
// operations; Delete, LoadAndDelete, Store, Swap, Clear, DeleteFunc and
// Update are write operations; LoadOrStore and LoadOrCompute are write
// operations when they return loaded set to false; CompareAndSwap and
// CompareAndDelete are write operations when they return swapped or deleted
// set to true; Compute is a write operation when its callback returns
// UpdateOp, or DeleteOp for a present key. Range, All, Keys and Values are
// read operations for each entry they visit.
//
// Every single-key operation is linearizable. Snapshot and Update are
// linearizable as a whole: Snapshot returns the contents at one instant, and
// no operation, lock-free Load included, observes some writes of an Update
// without the others.
//
// Callbacks of Compute, LoadOrCompute and Update run while the buckets of
// their keys are locked: they must not call write methods, Snapshot, Clear
// or Update of the same Map (Load, Range and the iterators are safe), and
// they should be short. Callbacks of Range, All, Keys, Values and DeleteFunc
// run with no lock held and may call any method.
//
// A panic never leaves a lock held or a batch half applied, whatever raises
// it: a callback (a panic or runtime.Goexit, or a nil callback), a key that
// cannot be hashed, a value that cannot be compared, a misused Batch. The
// panic propagates to the caller and the Map stays fully usable. The
// panicking call changes nothing, except that DeleteFunc keeps the
// deletions it made before its callback panicked, and a Range callback
// keeps the writes it made itself.
//
// [the Go memory model]: https://go.dev/ref/mem
type Map[K comparable, V any] struct {
	_        noCopy
	table    atomic.Pointer[table[K, V]]
	resizeMu sync.Mutex
	txMu     sync.Mutex
	active   atomic.Pointer[[]*txn[K, V]]
	growths  atomic.Uint64
	shrinks  atomic.Uint64
	minSize  int
	growOnly bool
}

// noCopy may be embedded into structs which must not be copied after first
// use; go vet's copylocks check reports copies.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// New returns an empty Map configured by opts. It panics with an error
// wrapping ErrInvalidCapacity if an option is out of range. New() is
// equivalent to new(Map[K, V]).
func New[K comparable, V any](opts ...Option) *Map[K, V] {
	c := buildConfig(opts)
	m := &Map[K, V]{minSize: c.presize, growOnly: c.growOnly}
	m.table.Store(newTable(m, bucketsFor(c.presize), newHasher[K]()))
	return m
}

// tab returns the current table, creating the first one for a zero Map.
func (m *Map[K, V]) tab() *table[K, V] {
	if t := m.table.Load(); t != nil {
		return t
	}
	nt := newTable(m, minBuckets, newHasher[K]())
	if m.table.CompareAndSwap(nil, nt) {
		return nt
	}
	return m.table.Load()
}

// Load returns the value stored in the map for a key, or the zero value if
// no value is present. The ok result indicates whether value was found in
// the map. Load never blocks and does not allocate.
func (m *Map[K, V]) Load(key K) (value V, ok bool) {
	t := m.table.Load()
	if t == nil {
		return value, false
	}
	// hashKey and table.find, written out so that the common path makes no
	// call besides maphash's (and hashOther's for 32-bit integer and
	// interface keys).
	var h uint64
	switch t.hasher.kind {
	case kindGeneric:
		h = maphash.Comparable(t.hasher.seed, key)
	case kindWord64:
		h = t.hasher.word(word64(key))
	default:
		h = hashOther(&t.hasher, key)
	}
	root := t.rootOf(h)
	if m0 := root.meta.Load(); m0&txFlag == 0 {
		tags := tagOf(h) * lowBytes
		for b, meta := root, m0; ; {
			for mk := matchTags(meta, tags); mk != 0; mk &= mk - 1 {
				if e := b.slotAt(slotIndex(mk)).Load(); e != nil && e.key == key {
					return e.load(t.vkind), true
				}
			}
			if b = b.next.Load(); b == nil {
				return value, false
			}
			meta = b.meta.Load()
		}
	}
	// Through a func value in t rather than the method: a generic method
	// call needs m and the instantiation's dictionary, which then stay live
	// across the hash call and cost Load spills and reloads (3 % on
	// string-key lookups).
	return t.loadTx(key)
}

// loadTx is Load when a batch is, or was a moment ago, being applied to the
// key's chain. It is kept out of Load so that the common path stays small.
func (m *Map[K, V]) loadTx(key K) (value V, ok bool) {
	if e := m.findTx(key); e != nil {
		return e.load(m.table.Load().vkind), true
	}
	return value, false
}

// findTx returns key's entry, or nil, when a batch is, or was a moment ago,
// being applied to the key's chain. It starts over from the current table.
func (m *Map[K, V]) findTx(key K) *entry[K, V] {
	t := m.table.Load()
	h := hashKey(&t.hasher, key)
	root, _ := t.root(h)
	return m.loadSlow(t, root, h, key)
}

// lookup returns key's entry in t, or nil, without locks, as Load does. h
// is key's hash. The write methods call it first, so that a delete of an
// absent key, or a compare-and-swap that would fail, returns without taking
// a lock.
func (m *Map[K, V]) lookup(t *table[K, V], h uint64, key K) *entry[K, V] {
	root := t.rootOf(h)
	if m0 := root.meta.Load(); m0&txFlag == 0 {
		return t.find(root, m0, h, key)
	}
	return m.findTx(key)
}

// hashOf returns the current table, creating the first one for a zero Map,
// and key's hash. Every table of a Map shares the hasher of its first
// table, so the hash stays valid when the table is replaced.
func (m *Map[K, V]) hashOf(key K) (*table[K, V], uint64) {
	t := m.table.Load()
	if t == nil {
		t = m.tab()
	}
	// hashKey written out, as in Load.
	switch t.hasher.kind {
	case kindGeneric:
		return t, maphash.Comparable(t.hasher.seed, key)
	case kindWord64:
		return t, t.hasher.word(word64(key))
	}
	return t, hashOther(&t.hasher, key)
}

// lock locks the root bucket of key in the current table and returns it.
// Holding a root lock of the current table keeps the table current: every
// table replacement locks all of its buckets first.
func (m *Map[K, V]) lock(key K) (*table[K, V], *bucket[K, V], uint64, uint64) {
	for {
		t := m.table.Load()
		if t == nil {
			t = m.tab()
		}
		// hashKey written out, as in Load: one call fewer on every write
		// than going through hashOf and lockRoot.
		var h uint64
		switch t.hasher.kind {
		case kindGeneric:
			h = maphash.Comparable(t.hasher.seed, key)
		case kindWord64:
			h = t.hasher.word(word64(key))
		default:
			h = hashOther(&t.hasher, key)
		}
		root, ri := t.root(h)
		root.mu.Lock()
		if m.table.Load() == t {
			return t, root, ri, h
		}
		root.mu.Unlock()
	}
}

// lockRoot locks the root bucket of hash h in the current table, starting
// with t, and returns the table, the bucket and its index.
func (m *Map[K, V]) lockRoot(t *table[K, V], h uint64) (*table[K, V], *bucket[K, V], uint64) {
	for {
		root, ri := t.root(h)
		root.mu.Lock()
		cur := m.table.Load()
		if cur == t {
			return t, root, ri
		}
		root.mu.Unlock()
		t = cur
	}
}

// Store sets the value for a key. It allocates one entry, except when it
// overwrites the value of a present key in place (values of one machine
// word: integers, floats, pointers).
func (m *Map[K, V]) Store(key K, value V) {
	m.Swap(key, value)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool) {
	// An immutable value's new entry is allocated outside the critical
	// section. A word value is overwritten in place if the key is present,
	// so its entry is only allocated, under the lock, for an insert: a
	// lock-free lookup first, to allocate outside, measured slower.
	var ne *entry[K, V]
	if t := m.table.Load(); t == nil || t.vkind == wordvalue.Immutable {
		ne = &entry[K, V]{key: key, value: value}
	}
	t, root, ri, h := m.lock(key)
	ref, e := t.findLocked(root, h, key)
	if e != nil {
		previous = e.value // only holders of root's lock write it
		t.overwriteLocked(ref, e, ne, key, value)
		root.mu.Unlock()
		return previous, true
	}
	if ne == nil {
		ne = &entry[K, V]{key: key, value: value}
	}
	grow := t.insertLocked(root, ri, ref, h, ne)
	root.mu.Unlock()
	if grow {
		m.resize(t)
	}
	return previous, false
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool) {
	t, h := m.hashOf(key)
	if e := m.lookup(t, h, key); e != nil {
		return e.load(t.vkind), true
	}
	t, root, ri := m.lockRoot(t, h)
	ref, e := t.findLocked(root, h, key)
	if e != nil {
		actual = e.value // only holders of root's lock write it
		root.mu.Unlock()
		return actual, true
	}
	grow := t.insertLocked(root, ri, ref, h, &entry[K, V]{key: key, value: value})
	root.mu.Unlock()
	if grow {
		m.resize(t)
	}
	return value, false
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
//
// A key that is absent when LoadAndDelete looks for it (without a lock) is
// not locked at all: the call is then a read operation that found nothing.
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool) {
	t, h := m.hashOf(key)
	if m.lookup(t, h, key) == nil {
		return value, false
	}
	t, root, ri := m.lockRoot(t, h)
	ref, e := t.findLocked(root, h, key)
	if e == nil {
		root.mu.Unlock()
		return value, false
	}
	value = e.value // only holders of root's lock write it
	empty := t.deleteLocked(root, ri, ref)
	root.mu.Unlock()
	if empty {
		m.maybeShrink(t, ri)
	}
	return value, true
}

// Delete deletes the value for a key.
func (m *Map[K, V]) Delete(key K) {
	m.LoadAndDelete(key)
}

// CompareAndSwap swaps the old and new values for key if the value stored in
// the map is equal to old. It panics if V is not a comparable type, and, as
// with ==, if V is an interface type and the stored and old values have the
// same non-comparable dynamic type.
func (m *Map[K, V]) CompareAndSwap(key K, old, new V) (swapped bool) {
	mustBeComparable[V]("CompareAndSwap")
	t, h := m.hashOf(key)
	if e := m.lookup(t, h, key); e == nil || !equal(e.load(t.vkind), old) {
		return false
	}
	t, root, _ := m.lockRoot(t, h)
	defer root.mu.Unlock()
	ref, e := t.findLocked(root, h, key)
	if e == nil || !equal(e.value, old) {
		return false
	}
	t.overwriteLocked(ref, e, nil, key, new)
	return true
}

// CompareAndDelete deletes the entry for key if its value is equal to old.
// It panics if V is not a comparable type, and, as with ==, if V is an
// interface type and the stored and old values have the same non-comparable
// dynamic type. If there is no current value for key, CompareAndDelete
// returns false (even if old is the zero value of V).
func (m *Map[K, V]) CompareAndDelete(key K, old V) (deleted bool) {
	mustBeComparable[V]("CompareAndDelete")
	t, h := m.hashOf(key)
	if e := m.lookup(t, h, key); e == nil || !equal(e.load(t.vkind), old) {
		return false
	}
	t, root, ri := m.lockRoot(t, h)
	ref, e := t.findLocked(root, h, key)
	if e == nil || !equalUnlocking(e.value, old, root) {
		root.mu.Unlock()
		return false
	}
	empty := t.deleteLocked(root, ri, ref)
	root.mu.Unlock()
	if empty {
		m.maybeShrink(t, ri)
	}
	return true
}

// equalUnlocking compares a and b and unlocks root if the comparison
// panics (non-comparable dynamic types).
func equalUnlocking[K comparable, V any](a, b V, root *bucket[K, V]) bool {
	ok := false
	defer func() {
		if !ok {
			root.mu.Unlock()
		}
	}()
	eq := equal(a, b)
	ok = true
	return eq
}

func equal[V any](a, b V) bool {
	return any(a) == any(b)
}

func mustBeComparable[V any](op string) {
	if !reflect.TypeFor[V]().Comparable() {
		panic("safemap: called " + op + " when value is not of comparable type")
	}
}

// Len returns the number of entries. It sums per-stripe counters, so it is
// O(GOMAXPROCS) and exact when no write runs concurrently; under concurrent
// writes it may or may not count the entries those writes insert or delete.
func (m *Map[K, V]) Len() int {
	t := m.table.Load()
	if t == nil {
		return 0
	}
	return t.count()
}

// Clear deletes all the entries, resulting in an empty Map. It is
// linearizable: it replaces the whole table at one instant. The table goes
// back to its initial size (WithPresize).
func (m *Map[K, V]) Clear() {
	if m.table.Load() == nil {
		return
	}
	for {
		t := m.tab()
		t.lockAll()
		if m.table.Load() != t {
			t.unlockAll()
			continue
		}
		m.table.Store(newTable(m, bucketsFor(m.minSize), t.hasher))
		t.unlockAll()
		return
	}
}

// resizeHint is what a write made under bucket locks tells the code that
// runs once they are released: grow the table, or see whether it should
// shrink because a delete emptied the chain of root emptiedRoot.
type resizeHint struct {
	grow        bool
	emptied     bool
	emptiedRoot uint64
}

// afterWrite resizes t as r says; the caller holds no bucket lock.
func (m *Map[K, V]) afterWrite(t *table[K, V], r resizeHint) {
	switch {
	case r.grow:
		m.resize(t)
	case r.emptied:
		m.maybeShrink(t, r.emptiedRoot)
	}
}

// maybeShrink shrinks t if it is far below its growth threshold. It is
// called when a delete from root ri empties a chain, which in a sparse
// table is a large share of deletes, so it first estimates the size from
// ri's own counter stripe: stripes are picked by root index, so each holds
// about its share of the entries, and summing all of them would read every
// stripe's cache line, which other cores' writers keep taking away.
func (m *Map[K, V]) maybeShrink(t *table[K, V], ri uint64) {
	if m.growOnly || len(t.buckets) <= bucketsFor(m.minSize) {
		return
	}
	limit := t.growThreshold() / 4
	if t.stripeOf(ri).Load()*int64(len(t.counts)) >= 2*int64(limit) {
		return
	}
	if t.count() >= limit {
		return
	}
	m.resize(t)
}

// resize replaces t by a table sized for its current contents: twice as
// large if t is above its growth threshold, smaller if it is below a quarter
// of it (and shrinking is allowed). Writers of t wait on their bucket lock
// while the entries are copied; lock-free readers go on reading t, which no
// writer changes once its buckets are locked.
func (m *Map[K, V]) resize(t *table[K, V]) {
	m.resizeMu.Lock()
	defer m.resizeMu.Unlock()
	if m.table.Load() != t {
		return
	}
	t.lockAll()
	defer t.unlockAll()
	if m.table.Load() != t {
		return
	}
	n := t.count()
	nb := len(t.buckets)
	switch {
	case n >= t.growThreshold():
		for thresholdFor(nb) <= n {
			nb <<= 1
		}
		m.growths.Add(1)
	case !m.growOnly && n < t.growThreshold()/4:
		nb = max(bucketsFor(2*n), bucketsFor(m.minSize))
		if nb >= len(t.buckets) {
			return
		}
		m.shrinks.Add(1)
	default:
		return
	}
	nt := newTable(m, nb, t.hasher)
	t.copyInto(nt)
	m.table.Store(nt)
}
