package shardcache

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

// entry is one cached key/value. key, hash, expireAt and weight are
// immutable once the entry is published in the hash table, so lock-free
// readers may read them. The value is read with loadValue: values of a
// valueKind that allows it are overwritten in place by storeValue, any other
// value is immutable and a write of a new value publishes a new entry. The
// list links, queue and heapIdx belong to the shard lock.
//
// value comes first so that it is 64-bit aligned for atomic access on every
// platform. Layout for int keys and values: 8 (value) + 8 (key) + 8 (hash) +
// 8 (expireAt) + 16 (links) + 4 (weight) + 4 (heapIdx) + 4 (pushed) +
// 1 (queue) = 61 bytes, one 64-byte size class. Readers never write an entry, so a hot
// entry's cache line stays shared by every core that reads it.
type entry[K comparable, V any] struct {
	value    V
	key      K
	hash     uint64
	expireAt int64 // cache clock nanoseconds; 0: never expires
	prev     *entry[K, V]
	next     *entry[K, V]
	weight   uint32
	heapIdx  int32  // index in the shard's expiry heap, -1 when absent
	pushed   uint32 // its list's push count when it was last put at the front
	queue    uint8
}

// list is an intrusive doubly linked LRU list: head is the most recently
// used entry, tail the least.
type list[K comparable, V any] struct {
	head, tail *entry[K, V]
	weight     int64
	len        int
	pushes     uint32 // entries put at the front so far, wrapping
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
	l.pushes++
	e.pushed = l.pushes
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

// moveToFront marks e as the most recently used entry. An entry pushed so
// recently that it is still within the front quarter of the list is left
// where it is: at most l.pushes-e.pushed entries can be ahead of it. Hot
// entries are accessed over and over while near the front, so this spares
// most accesses the writes to e and its neighbours, whose cache lines
// concurrent lock-free readers of those keys would otherwise have to fetch
// again; the eviction order of the back three quarters is exact.
func (l *list[K, V]) moveToFront(e *entry[K, V]) {
	if l.head == e || int(l.pushes-e.pushed) < l.len/4 {
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
	n.pushed = old.pushed
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
