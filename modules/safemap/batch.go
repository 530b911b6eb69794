package safemap

import (
	"fmt"
	"slices"
	"sync/atomic"
)

// Atomicity of Update against lock-free readers.
//
// Update locks the root buckets of all its keys in ascending index order
// (the global lock order, shared with Snapshot, Clear and resize, so
// overlapping Updates cannot deadlock), runs f against a private Batch, and
// only then applies the writes, through a transaction descriptor (txn):
//
//  1. register the txn in Map.active (a copy-on-write slice);
//  2. set txFlag in the meta word of every locked root;
//  3. commit: txn.state = committed (the linearization point): from now on
//     every root of the batch is flagged;
//  4. write the new entries into the slots;
//  5. clear txFlag, set txn.done, unregister, unlock.
//
// A Load reads the root meta word once, before scanning the chain. If
// txFlag is clear, it scans without further checks: whatever it then reads
// was the key's value at some instant of the Load. A value written by a
// batch is read only after step 4 began, so after the commit; a value the
// batch replaced may be read after the commit too, but then the Load had
// read the meta word before step 2 flagged this root, so before the commit,
// and the Load takes effect at that read. A later Load cannot see the
// opposite mix: once any write of the batch is visible, every root of the
// batch is flagged until step 5. If the Load sees txFlag, it takes the slow
// path (loadSlow): it finds the txn that holds the root's lock; for a key of
// that txn it returns the new entry if state is committed and the entry from
// before the batch otherwise; for another key of the chain (which cannot
// change while the txn holds the lock) it scans and accepts the result only
// if the txn is still not done. Otherwise it retries, which happens only
// when some batch has completed in the meantime, so Loads stay lock-free.
// Range and DeleteFunc read a chain the same way but check txFlag again
// after the scan, falling back to copying the chain under the lock when they
// see it. Snapshot holds every root lock, so no batch is half applied while
// it copies.

const committed = 1

type txn[K comparable, V any] struct {
	state atomic.Uint32
	done  atomic.Bool
	roots []*bucket[K, V]
	items []txItem[K, V]
	index map[K]int
}

type txItem[K comparable, V any] struct {
	key      K
	old, new *entry[K, V]
}

func (tx *txn[K, V]) lookup(key K) (txItem[K, V], bool) {
	if tx.index != nil {
		i, ok := tx.index[key]
		if !ok {
			return txItem[K, V]{}, false
		}
		return tx.items[i], true
	}
	for _, it := range tx.items {
		if it.key == key {
			return it, true
		}
	}
	return txItem[K, V]{}, false
}

// txnFor returns the registered txn that holds root's lock, if any.
func (m *Map[K, V]) txnFor(root *bucket[K, V]) *txn[K, V] {
	active := m.active.Load()
	if active == nil {
		return nil
	}
	for _, tx := range *active {
		if slices.Contains(tx.roots, root) {
			return tx
		}
	}
	return nil
}

func (m *Map[K, V]) register(tx *txn[K, V], add bool) {
	m.txMu.Lock()
	defer m.txMu.Unlock()
	var cur []*txn[K, V]
	if p := m.active.Load(); p != nil {
		cur = *p
	}
	next := make([]*txn[K, V], 0, len(cur)+1)
	for _, x := range cur {
		if x != tx {
			next = append(next, x)
		}
	}
	if add {
		next = append(next, tx)
	}
	m.active.Store(&next)
}

// loadSlow is Load when a batch is, or was a moment ago, being applied to
// the chain of root. See the comment at the top of this file.
func (m *Map[K, V]) loadSlow(t *table[K, V], root *bucket[K, V], h uint64, key K) *entry[K, V] {
	for {
		m0 := root.meta.Load()
		if m0&txFlag == 0 {
			e := t.find(root, m0, h, key)
			if root.meta.Load()&txFlag == 0 {
				return e
			}
			continue
		}
		tx := m.txnFor(root)
		if tx == nil {
			continue
		}
		if it, ok := tx.lookup(key); ok {
			if tx.state.Load() == committed {
				return it.new
			}
			return it.old
		}
		e := t.find(root, root.meta.Load(), h, key)
		if !tx.done.Load() {
			return e
		}
	}
}

// Batch is the view of the listed keys that Update passes to its callback.
// It reads the values as of the start of the transaction overlaid with the
// callback's own writes. It must only be used by the callback, and only
// with keys listed in the Update call; anything else panics.
type Batch[K comparable, V any] struct {
	_     noCopy
	items []batchItem[K, V]
	index map[K]int
	open  bool
}

type batchItem[K comparable, V any] struct {
	key     K
	h       uint64
	root    *bucket[K, V]
	ri      uint64
	old     *entry[K, V]
	val     V
	present bool
	dirty   bool
}

func (b *Batch[K, V]) item(key K) *batchItem[K, V] {
	if !b.open {
		panic("safemap: Batch used outside its Update callback")
	}
	if b.index != nil {
		if i, ok := b.index[key]; ok {
			return &b.items[i]
		}
	} else {
		for i := range b.items {
			if b.items[i].key == key {
				return &b.items[i]
			}
		}
	}
	panic(fmt.Sprintf("safemap: Batch key %v not listed in Update", key))
}

// Load returns the value of key in the transaction. It panics if key was not
// listed in the Update call.
func (b *Batch[K, V]) Load(key K) (V, bool) {
	it := b.item(key)
	return it.val, it.present
}

// Store sets key to value in the transaction. It panics if key was not
// listed in the Update call.
func (b *Batch[K, V]) Store(key K, value V) {
	it := b.item(key)
	it.val, it.present, it.dirty = value, true, true
}

// Delete deletes key in the transaction. It panics if key was not listed in
// the Update call.
func (b *Batch[K, V]) Delete(key K) {
	it := b.item(key)
	var zero V
	it.val, it.present, it.dirty = zero, false, it.dirty || it.old != nil
}

// indexThreshold is the number of keys above which Batch and txn look keys
// up through a map instead of a linear scan.
const indexThreshold = 8

// Update runs f as one atomic transaction over keys (duplicates allowed).
// Through its Batch, f sees the current values of the listed keys and
// stages writes to them; when f returns, all the writes take effect at one
// instant. No other operation, including a lock-free Load, observes some
// writes of the batch without the others, and none of them before f has
// returned. Concurrent Updates over overlapping keys never deadlock: the
// buckets are locked in one global order.
//
// f runs while the buckets of the listed keys are locked; it must not call
// write methods, Snapshot, Clear or Update of m. If f panics, the panic
// propagates and none of its writes is applied.
func (m *Map[K, V]) Update(keys []K, f func(b *Batch[K, V])) {
	b := &Batch[K, V]{items: make([]batchItem[K, V], 0, len(keys))}
	if len(keys) > indexThreshold {
		b.index = make(map[K]int, len(keys))
	}
	for _, k := range keys {
		if b.index != nil {
			if _, dup := b.index[k]; dup {
				continue
			}
			b.index[k] = len(b.items)
		} else if slices.ContainsFunc(b.items, func(it batchItem[K, V]) bool { return it.key == k }) {
			continue
		}
		b.items = append(b.items, batchItem[K, V]{key: k})
	}
	t, roots := m.lockKeys(b.items)
	var r resizeHint
	defer func() {
		for _, root := range roots {
			root.mu.Unlock()
		}
		m.afterWrite(t, r)
	}()
	for i := range b.items {
		it := &b.items[i]
		_, it.old = t.findLocked(it.root, it.h, it.key)
		if it.old != nil {
			it.val, it.present = it.old.value, true
		}
	}
	func() {
		b.open = true
		defer func() { b.open = false }()
		f(b)
	}()
	r = m.apply(t, roots, b)
}

// lockKeys locks the root buckets of items in the current table, in
// ascending index order, and fills in each item's hash and root.
func (m *Map[K, V]) lockKeys(items []batchItem[K, V]) (*table[K, V], []*bucket[K, V]) {
	idx := make([]uint64, 0, len(items))
	for {
		t := m.tab()
		idx = idx[:0]
		for i := range items {
			it := &items[i]
			it.h = hashKey(&t.hasher, it.key)
			it.root, it.ri = t.root(it.h)
			idx = append(idx, it.ri)
		}
		slices.Sort(idx)
		idx = slices.Compact(idx)
		roots := make([]*bucket[K, V], len(idx))
		for i, ri := range idx {
			roots[i] = &t.buckets[ri]
			roots[i].mu.Lock()
		}
		if m.table.Load() == t {
			return t, roots
		}
		for _, r := range roots {
			r.mu.Unlock()
		}
	}
}

// apply publishes the writes of b, with every root of b locked. It reports
// whether the table should grow, or, if a delete emptied a chain, check
// whether to shrink.
func (m *Map[K, V]) apply(t *table[K, V], roots []*bucket[K, V], b *Batch[K, V]) (r resizeHint) {
	tx := &txn[K, V]{roots: roots}
	for _, it := range b.items {
		if !it.dirty {
			continue
		}
		ti := txItem[K, V]{key: it.key, old: it.old}
		if it.present {
			ti.new = &entry[K, V]{key: it.key, value: it.val}
		}
		tx.items = append(tx.items, ti)
	}
	if len(tx.items) == 0 {
		return r
	}
	if len(tx.items) > indexThreshold {
		tx.index = make(map[K]int, len(tx.items))
		for i, ti := range tx.items {
			tx.index[ti.key] = i
		}
	}
	m.register(tx, true)
	for _, root := range roots {
		root.meta.Store(root.meta.Load() | txFlag)
	}
	tx.state.Store(committed)
	j := 0
	for _, it := range b.items {
		if !it.dirty {
			continue
		}
		ti := tx.items[j]
		j++
		ref, e := t.findLocked(it.root, it.h, it.key)
		switch {
		case ti.new != nil && e != nil:
			ref.b.slots[ref.i].Store(ti.new)
		case ti.new != nil:
			r.grow = t.insertLocked(it.root, it.ri, ref, it.h, ti.new) || r.grow
		case e != nil:
			if t.deleteLocked(it.root, it.ri, ref) {
				r.emptied, r.emptiedRoot = true, it.ri
			}
		}
	}
	for _, root := range roots {
		root.meta.Store(root.meta.Load() &^ txFlag)
	}
	tx.done.Store(true)
	m.register(tx, false)
	return r
}
