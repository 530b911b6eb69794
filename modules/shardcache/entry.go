package shardcache

// Queues an entry can be in. The policy is W-TinyLFU: new entries enter a
// small LRU window; entries leaving the window compete, by TinyLFU frequency,
// for a place in the main space, an SLRU of a probation and a protected
// segment.
const (
	queueNone uint32 = iota // removed from the cache
	queueWindow
	queueProbation
	queueProtected
)

// entry is one cached key/value. key, expireAt and weight are immutable
// once the entry is published in the hash table, so lock-free readers may
// read them. The value is read with loadValue: values of a word kind (wordvalue.KindOf) that
// allows it are overwritten in place by storeValue, any other value is
// immutable and a write of a new value publishes a new entry. The list
// links and meta belong to the shard lock.
//
// value comes first so that it is 64-bit aligned for atomic access on every
// platform. The key's hash is not stored: the hash index keeps it beside
// the entry pointer, and the policy recomputes it on the rare paths that
// need it (eviction, removal). Layout for uint64 keys and values: 8 (value)
// + 8 (key) + 16 (links) + 8 (expireAt) + 4 (weight) + 4 (meta) = 48 bytes,
// a 48-byte size class, where storing the hash and a separate queue byte
// would take the entry to the 64-byte class. Readers never write an entry,
// so a hot entry's cache line stays shared by every core that reads it.
type entry[K comparable, V any] struct {
	value    V
	key      K
	prev     *entry[K, V]
	next     *entry[K, V]
	expireAt int64 // cache clock nanoseconds; 0: never expires
	weight   uint32
	// meta packs the entry's queue (low 2 bits) and its position in the
	// shard's expiry heap plus one (the other 30 bits; 0 when absent),
	// which is why a shard holds at most maxShardEntries entries.
	meta uint32
}

const (
	queueBits = 2
	queueMask = 1<<queueBits - 1
	// maxShardEntries is the most entries one shard holds: the expiry heap
	// position (plus one) must fit the 30 high bits of meta.
	maxShardEntries = 1<<(32-queueBits) - 1
)

func (e *entry[K, V]) queue() uint32 { return e.meta & queueMask }

func (e *entry[K, V]) setQueue(q uint32) { e.meta = e.meta&^queueMask | q }

// heapIdx returns the entry's index in the expiry heap, or -1.
func (e *entry[K, V]) heapIdx() int { return int(e.meta>>queueBits) - 1 }

func (e *entry[K, V]) setHeapIdx(i int) { e.meta = uint32(i+1)<<queueBits | e.meta&queueMask }

// expired reports whether e had expired at time now.
func (e *entry[K, V]) expired(now int64) bool { return e.expireAt != 0 && now >= e.expireAt }

// list is an intrusive doubly linked LRU list: head is the most recently
// used entry, tail the least.
type list[K comparable, V any] struct {
	head, tail *entry[K, V]
	weight     int64
	len        int
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
	l.len++
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
	l.len--
}

// moveToFront marks e as the most recently used entry.
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
	i := len(*h)
	*h = append(*h, e)
	e.setHeapIdx(i)
	h.up(i)
}

func (h *expiryHeap[K, V]) remove(e *entry[K, V]) {
	i := e.heapIdx()
	last := len(*h) - 1
	if i != last {
		h.swap(i, last)
	}
	(*h)[last] = nil
	*h = (*h)[:last]
	e.setHeapIdx(-1)
	if i != last {
		h.down(i)
		h.up(i)
	}
}

func (h expiryHeap[K, V]) swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].setHeapIdx(i)
	h[j].setHeapIdx(j)
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
