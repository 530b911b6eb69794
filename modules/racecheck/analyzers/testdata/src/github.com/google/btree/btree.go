// Package btree is a stand-in for github.com/google/btree with the types
// and methods the readlockwrite cases call; only their signatures matter.
package btree

// Item is an element of the tree.
type Item interface {
	Less(than Item) bool
}

// ItemIterator is called on each item of an ascent until it returns false.
type ItemIterator func(i Item) bool

type copyOnWrite struct{ free []Item }

// BTree is an ordered tree of items; its methods do not synchronise.
type BTree struct {
	cow   *copyOnWrite
	items []Item
}

// New returns an empty tree.
func New(degree int) *BTree { return &BTree{cow: &copyOnWrite{}} }

// Clone gives t and the clone new copy-on-write contexts.
func (t *BTree) Clone() *BTree {
	c1, c2 := *t.cow, *t.cow
	out := *t
	t.cow, out.cow = &c1, &c2
	return &out
}

// ReplaceOrInsert adds item, returning the item it replaced, if any.
func (t *BTree) ReplaceOrInsert(item Item) Item {
	t.items = append(t.items, item)
	return nil
}

// Get returns the item equal to key, or nil.
func (t *BTree) Get(key Item) Item {
	for _, it := range t.items {
		if !it.Less(key) && !key.Less(it) {
			return it
		}
	}
	return nil
}

// AscendGreaterOrEqual calls it on the items from pivot on.
func (t *BTree) AscendGreaterOrEqual(pivot Item, it ItemIterator) {
	for _, i := range t.items {
		if !i.Less(pivot) && !it(i) {
			return
		}
	}
}

// Len returns the number of items.
func (t *BTree) Len() int { return len(t.items) }
