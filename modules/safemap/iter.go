package safemap

import "iter"

// chainBuf is the stack buffer a bucket chain is copied into before its
// entries are handed to user code; longer chains spill to the heap.
const chainBuf = 16

// Range calls f sequentially for each key and value present in the map. If
// f returns false, Range stops the iteration.
//
// Range does not necessarily correspond to any consistent snapshot of the
// Map's contents (use Snapshot for that): no key is visited more than once,
// every key present and unmodified for the whole call is visited, and if
// the value for any key is stored or deleted concurrently (including by f),
// Range may reflect any mapping for that key from any point during the
// Range call. Range holds no lock while f runs, so f may call any method of
// the map. Range does not allocate; it is O(N) however early f stops only
// in the sense that it visits buckets in order until then.
func (m *Map[K, V]) Range(f func(key K, value V) bool) {
	t := m.table.Load()
	if t == nil {
		return
	}
	var buf [chainBuf]*entry[K, V]
	for i := range t.buckets {
		for _, e := range t.collect(&t.buckets[i], buf[:0]) {
			if !f(e.key, e.load(t.vkind)) {
				return
			}
		}
	}
}

// All returns an iterator over the key-value pairs of the map, with the
// guarantees of Range.
func (m *Map[K, V]) All() iter.Seq2[K, V] {
	return m.Range
}

// Keys returns an iterator over the keys of the map, with the guarantees of
// Range.
func (m *Map[K, V]) Keys() iter.Seq[K] {
	return func(yield func(K) bool) {
		m.Range(func(k K, _ V) bool { return yield(k) })
	}
}

// Values returns an iterator over the values of the map, with the guarantees
// of Range.
func (m *Map[K, V]) Values() iter.Seq[V] {
	return func(yield func(V) bool) {
		m.Range(func(_ K, v V) bool { return yield(v) })
	}
}

// DeleteFunc deletes every entry for which del returns true and returns the
// number of entries it deleted. It visits entries as Range does, calling del
// with no lock held; an entry is deleted only if it was not deleted or
// overwritten with a different value between the call to del and the
// deletion (an overwrite with an identical value may or may not keep it).
// Each deletion is a separate write operation: DeleteFunc is not atomic as
// a whole, and if del panics, the deletions made before stay.
func (m *Map[K, V]) DeleteFunc(del func(key K, value V) bool) (deleted int) {
	t := m.table.Load()
	if t == nil {
		return 0
	}
	var buf [chainBuf]*entry[K, V]
	for i := range t.buckets {
		for _, e := range t.collect(&t.buckets[i], buf[:0]) {
			if v := e.load(t.vkind); del(e.key, v) && m.deleteEntry(e, v) {
				deleted++
			}
		}
	}
	return deleted
}

// deleteEntry deletes e's key if e is still its entry and still holds v.
// Entries keep their identity across resizes, so this works even if the
// table was replaced.
func (m *Map[K, V]) deleteEntry(e *entry[K, V], v V) bool {
	t, root, ri, h := m.lock(e.key)
	ref, cur := t.findLocked(root, h, e.key)
	if cur != e || !e.holds(t.vkind, v) {
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

// Snapshot returns a new plain map holding the contents of m at one instant
// between the call and its return, even under concurrent writers: unlike
// Range, it is linearizable. It locks every bucket, in the global lock
// order, while it copies, so writers wait for it (lock-free Loads do not);
// it is O(N) in time and allocates the returned map.
func (m *Map[K, V]) Snapshot() map[K]V {
	if m.table.Load() == nil {
		return map[K]V{}
	}
	out := make(map[K]V, m.Len())
	for {
		t := m.tab()
		t.lockAll()
		if m.table.Load() != t {
			t.unlockAll()
			continue
		}
		defer t.unlockAll()
		for i := range t.buckets {
			for b := &t.buckets[i]; b != nil; b = b.next.Load() {
				for s := range b.slots {
					if e := b.slots[s].Load(); e != nil {
						out[e.key] = e.value
					}
				}
			}
		}
		return out
	}
}
