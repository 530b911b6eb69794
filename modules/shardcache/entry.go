package shardcache

import "sync/atomic"

// Queues an entry can be in. The policy is W-TinyLFU: new entries enter a
// small LRU window; entries leaving the window compete, by TinyLFU frequency,
// for a place in the main space, an SLRU of a probation and a protected
// segment.
const (
	queueNone uint8 = iota // removed from the cache
	queueWindow
	queueProbation
	queueProtected
)

// entry is one cached key/value. key, value, hash, expireAt and weight are
// immutable once the entry is published in the hash table, so lock-free
// readers may read them; a write of a new value publishes a new entry. The
// list links, queue and heapIdx belong to the shard lock.
//
// touched is set by the first reader that reports the entry to the policy
// and cleared when the policy processes the report, so a key read over and
// over between two drains costs one buffered event, not one per read: the
// other reads only load the flag, which shares the key's cache line.
//
// Layout for int keys and values: 8 (key) + 8 (value) + 8 (hash) +
// 8 (expireAt) + 16 (links) + 4 (weight) + 4 (heapIdx) + 4 (touched) +
// 1 (queue) = 61 bytes, one 64-byte size class.
type entry[K comparable, V any] struct {
	key      K
	value    V
	hash     uint64
	expireAt int64 // cache clock nanoseconds; 0: never expires
	prev     *entry[K, V]
	next     *entry[K, V]
	weight   uint32
	heapIdx  int32 // index in the shard's expiry heap, -1 when absent
	touched  atomic.Uint32
	queue    uint8
}

// list is an intrusive doubly linked LRU list: head is the most recently
// used entry, tail the least.
type list[K comparable, V any] struct {
	head, tail *entry[K, V]
	weight     int64
}

func (l *list[K, V]) pushFront(e *entry[K, V]) {
	e.prev = nil
	e.next = l.head
	if l.head != nil {
		l.head.prev = e
	} else {
		l.tail = e
	}
	l.head = e
	l.weight += int64(e.weight)
}

func (l *list[K, V]) remove(e *entry[K, V]) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
	l.weight -= int64(e.weight)
}

func (l *list[K, V]) moveToFront(e *entry[K, V]) {
	if l.head == e {
		return
	}
	l.remove(e)
	l.pushFront(e)
}

// replace puts n where old is, keeping old's position.
func (l *list[K, V]) replace(old, n *entry[K, V]) {
	n.prev, n.next = old.prev, old.next
	if n.prev != nil {
		n.prev.next = n
	} else {
		l.head = n
	}
	if n.next != nil {
		n.next.prev = n
	} else {
		l.tail = n
	}
	old.prev, old.next = nil, nil
	l.weight += int64(n.weight) - int64(old.weight)
}

func (l *list[K, V]) reset() {
	*l = list[K, V]{}
}

// expiryHeap is a binary min-heap of entries ordered by expireAt, so the
// reclaimer finds expired entries in O(log n) each without scanning.
type expiryHeap[K comparable, V any] []*entry[K, V]

func (h *expiryHeap[K, V]) push(e *entry[K, V]) {
	e.heapIdx = int32(len(*h))
	*h = append(*h, e)
	h.up(int(e.heapIdx))
}

func (h *expiryHeap[K, V]) remove(e *entry[K, V]) {
	i := int(e.heapIdx)
	last := len(*h) - 1
	if i != last {
		h.swap(i, last)
	}
	(*h)[last] = nil
	*h = (*h)[:last]
	e.heapIdx = -1
	if i != last {
		h.down(i)
		h.up(i)
	}
}

func (h expiryHeap[K, V]) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].heapIdx = int32(i)
	h[j].heapIdx = int32(j)
}

func (h expiryHeap[K, V]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if h[p].expireAt <= h[i].expireAt {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h expiryHeap[K, V]) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].expireAt < h[l].expireAt {
			m = r
		}
		if h[i].expireAt <= h[m].expireAt {
			return
		}
		h.swap(i, m)
		i = m
	}
}
