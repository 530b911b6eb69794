package shardcache

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/shardcache/internal/lossy"
	"github.com/raceproof/raceproof/modules/shardcache/internal/sketch"
)

// Policy tuning, after the published W-TinyLFU and Caffeine designs.
const (
	initialWindowPercent = 0.01   // window share of the shard at start
	protectedPercent     = 0.80   // protected share of the main space
	stepPercent          = 0.0625 // hill-climber step, as a share of the shard
	stepDecay            = 0.98   // step shrink factor while the hit rate is stable
	restartThreshold     = 0.05   // a hit-rate change this large restarts big steps
	admitHashDoSFreq     = 6      // candidates this warm are sometimes admitted on a tie
	transferLimit        = 1000   // entries moved per window resize, to bound lock hold time
	reclaimBatch         = 256    // expired entries removed per lock hold
)

// evicted is a removal whose OnEvict call is pending until locks are released.
type evicted[K comparable, V any] struct {
	key   K
	value V
	cause EvictionCause
}

// shard owns a slice of the key space: its hash index, its W-TinyLFU policy,
// its expiry heap and its in-flight loads.
//
// The fields every reader loads come first and are padded away from the
// lock and the policy state, which drains write: sharing their cache line
// would make every drain invalidate every core's copy of the table pointer.
type shard[K comparable, V any] struct {
	table atomic.Pointer[table[K, V]]
	reads *lossy.Buffer // hashes of keys read since the last drain
	tomb  *entry[K, V]
	// valueKind says whether values can be overwritten in place.
	valueKind valueKind
	_         [64]byte

	mu             sync.Mutex
	drainScheduled atomic.Bool // a drain of reads is about to run
	drainRequester uint32      // affinity hash of the reader that asked for the last drain
	sketch         *sketch.Sketch
	window         list[K, V]
	prob           list[K, V]
	prot           list[K, V]
	expiry         expiryHeap[K, V]
	calls          map[K]*call[V]

	maxWeight    int64
	windowMax    int64
	protectedMax int64
	weight       int64

	// hill climber
	sampleSize     int
	hitsInSample   int
	missesInSample int
	prevHitRate    float64
	step           float64

	// Counters read by Stats without the lock.
	count      atomic.Int64
	weightSnap atomic.Int64
	evictions  [numCauses]atomic.Uint64
	promotions atomic.Uint64
	_          [64]byte
}

func newShard[K comparable, V any](maxWeight int64, sketchSize, stripes int) *shard[K, V] {
	s := &shard[K, V]{
		valueKind: valueKindOf[V](),
		reads:     lossy.New(stripes),
		tomb:      &entry[K, V]{},
		sketch:    sketch.New(sketchSize),
		calls:     make(map[K]*call[V]),
		maxWeight: maxWeight,
	}
	s.sampleSize = 10 * sketchSize
	s.windowMax = int64(float64(maxWeight) * initialWindowPercent)
	s.protectedMax = int64(float64(maxWeight-s.windowMax) * protectedPercent)
	s.step = -stepPercent * float64(maxWeight)
	s.table.Store(newTable[K, V](minTableSize))
	return s
}

// find is the lock-free lookup.
func (s *shard[K, V]) find(key K, h uint64) *entry[K, V] {
	return s.table.Load().find(key, h, s.tomb)
}

// drainReads applies the buffered accesses to the policy. Caller holds mu.
func (s *shard[K, V]) drainReads() {
	s.reads.Drain(s.onRead)
	s.climb()
}

// onRead applies a buffered read of the key with hash h. Caller holds mu.
func (s *shard[K, V]) onRead(h uint64) {
	if e := s.table.Load().findHash(h, s.tomb); e != nil {
		s.onAccess(e)
	}
}

// onAccess records a hit on e. Caller holds mu.
func (s *shard[K, V]) onAccess(e *entry[K, V]) {
	s.sketch.Increment(e.hash)
	s.hitsInSample++
	switch e.queue {
	case queueWindow:
		s.window.moveToFront(e)
	case queueProbation:
		s.prob.remove(e)
		e.queue = queueProtected
		s.prot.pushFront(e)
		s.promotions.Add(1)
		s.demoteProtected()
	case queueProtected:
		s.prot.moveToFront(e)
	}
}

// demoteProtected moves the protected segment's LRU entries to probation
// until the segment fits its share.
func (s *shard[K, V]) demoteProtected() {
	for s.prot.weight > s.protectedMax && s.prot.tail != nil {
		e := s.prot.tail
		s.prot.remove(e)
		e.queue = queueProbation
		s.prob.pushFront(e)
	}
}

// write describes one write of a value for a key.
type write[K comparable, V any] struct {
	key      K
	value    V
	hash     uint64
	expireAt int64 // 0: never expires
	weight   uint32
}

// put stores w, replacing any entry for the same key. An entry with the same
// expiry and weight whose value can be overwritten in place is updated
// without allocating; otherwise a new entry takes the old one's place.
// invalidate is true for user writes, which win over loads in flight for the
// key. Caller holds mu.
func (s *shard[K, V]) put(w write[K, V], now int64, invalidate bool, pend *[]evicted[K, V]) {
	if invalidate && len(s.calls) != 0 {
		if cl := s.calls[w.key]; cl != nil {
			cl.invalidated = true
		}
	}
	if int64(w.weight) > s.maxWeight {
		// An entry heavier than the whole shard can never stay: evict it at
		// once instead of first evicting others for room it cannot use.
		if old := s.find(w.key, w.hash); old != nil {
			s.unlink(old, Replaced, pend)
		}
		s.evictions[Size].Add(1)
		if pend != nil {
			*pend = append(*pend, evicted[K, V]{key: w.key, value: w.value, cause: Size})
		}
		s.publishWeight()
		return
	}
	t := s.table.Load()
	idx, found := t.slot(w.key, w.hash, s.tomb)
	s.sketch.Increment(w.hash)
	if found {
		old := t.slots[idx].entry.Load()
		if s.valueKind != valueImmutable && old.expireAt == w.expireAt && old.weight == w.weight {
			s.noteRemoval(old, Replaced, pend)
			old.storeValue(s.valueKind, w.value)
			s.climb()
			return
		}
		e := newEntry(w)
		t.slots[idx].entry.Store(e)
		e.queue = old.queue
		switch old.queue {
		case queueWindow:
			s.window.replace(old, e)
		case queueProbation:
			s.prob.replace(old, e)
		case queueProtected:
			s.prot.replace(old, e)
		}
		old.queue = queueNone
		if old.heapIdx >= 0 {
			s.expiry.remove(old)
		}
		s.weight += int64(e.weight) - int64(old.weight)
		s.noteRemoval(old, Replaced, pend)
		if e.expireAt != 0 {
			s.expiry.push(e)
		}
	} else {
		e := newEntry(w)
		s.missesInSample++
		if t.slots[idx].entry.Load() == nil {
			t.used++
		}
		t.store(idx, e)
		e.queue = queueWindow
		s.window.pushFront(e)
		s.weight += int64(e.weight)
		s.count.Add(1)
		if t.used*4 >= len(t.slots)*3 {
			s.rehash(t)
		}
		if e.expireAt != 0 {
			s.expiry.push(e)
		}
	}
	s.evict(now, pend)
	s.climb()
	s.publishWeight()
}

func newEntry[K comparable, V any](w write[K, V]) *entry[K, V] {
	return &entry[K, V]{key: w.key, value: w.value, hash: w.hash, expireAt: w.expireAt, weight: w.weight, heapIdx: -1}
}

// publishWeight makes the weight readable by Stats. Caller holds mu.
func (s *shard[K, V]) publishWeight() {
	if s.weightSnap.Load() != s.weight {
		s.weightSnap.Store(s.weight)
	}
}

// rehash publishes a new table holding the live entries of t.
func (s *shard[K, V]) rehash(t *table[K, V]) {
	live := int(s.count.Load())
	nt := newTable[K, V](sizeFor(live))
	for i := range t.slots {
		e := t.slots[i].entry.Load()
		if e == nil || e == s.tomb {
			continue
		}
		j, _ := nt.slot(e.key, e.hash, s.tomb)
		nt.store(j, e)
		nt.used++
	}
	s.table.Store(nt)
}

// unlink removes e from the table, its queue and the expiry heap, and
// records the removal. Caller holds mu.
func (s *shard[K, V]) unlink(e *entry[K, V], cause EvictionCause, pend *[]evicted[K, V]) {
	t := s.table.Load()
	if idx, found := t.slot(e.key, e.hash, s.tomb); found && t.slots[idx].entry.Load() == e {
		t.slots[idx].entry.Store(s.tomb)
	}
	switch e.queue {
	case queueWindow:
		s.window.remove(e)
	case queueProbation:
		s.prob.remove(e)
	case queueProtected:
		s.prot.remove(e)
	}
	e.queue = queueNone
	if e.heapIdx >= 0 {
		s.expiry.remove(e)
	}
	s.weight -= int64(e.weight)
	s.count.Add(-1)
	s.noteRemoval(e, cause, pend)
}

func (s *shard[K, V]) noteRemoval(e *entry[K, V], cause EvictionCause, pend *[]evicted[K, V]) {
	s.evictions[cause].Add(1)
	if pend != nil {
		*pend = append(*pend, evicted[K, V]{key: e.key, value: e.loadValue(s.valueKind), cause: cause})
	}
}

// delete removes key if present. Caller holds mu.
func (s *shard[K, V]) delete(key K, h uint64, pend *[]evicted[K, V]) {
	if len(s.calls) != 0 {
		if cl := s.calls[key]; cl != nil {
			cl.invalidated = true
		}
	}
	if e := s.find(key, h); e != nil {
		s.unlink(e, Explicit, pend)
		s.publishWeight()
	}
}

// evict restores the bound: expired entries go first, then window overflow
// moves to probation and candidates from the window compete with the
// probation LRU victim by TinyLFU frequency. Caller holds mu.
func (s *shard[K, V]) evict(now int64, pend *[]evicted[K, V]) {
	for s.weight > s.maxWeight && len(s.expiry) > 0 && s.expiry[0].expireAt <= now {
		s.unlink(s.expiry[0], Expired, pend)
	}
	var candidate *entry[K, V]
	for s.window.weight > s.windowMax && s.window.tail != nil {
		e := s.window.tail
		s.window.remove(e)
		e.queue = queueProbation
		s.prob.pushFront(e)
		if candidate == nil {
			candidate = e
		}
	}
	for s.weight > s.maxWeight {
		victim := s.prob.tail
		if victim == nil {
			victim = s.prot.tail
		}
		if victim == nil {
			victim = s.window.tail
		}
		switch {
		case candidate == nil || candidate.queue != queueProbation:
			candidate = nil
			s.unlink(victim, Size, pend)
		case candidate == victim:
			next := candidate.prev
			s.unlink(candidate, Size, pend)
			candidate = next
		case int64(candidate.weight) > s.maxWeight || !s.admit(candidate, victim):
			next := candidate.prev
			s.unlink(candidate, Size, pend)
			candidate = next
		default:
			s.unlink(victim, Size, pend)
		}
	}
}

// admit reports whether candidate should replace victim in the main space.
func (s *shard[K, V]) admit(candidate, victim *entry[K, V]) bool {
	cf := s.sketch.Frequency(candidate.hash)
	vf := s.sketch.Frequency(victim.hash)
	if cf > vf {
		return true
	}
	// A warm candidate that only ties or loses is admitted at random, 1 in
	// 128, so an attacker cannot pin a victim by flooding its frequency.
	return cf >= admitHashDoSFreq && rand.Uint32()&127 == 0
}

// climb adapts the window size by hill climbing on the hit rate of
// consecutive sample periods: keep moving in the direction that improved the
// hit rate, reverse when it got worse, restart with big steps when the
// workload changes. Caller holds mu.
func (s *shard[K, V]) climb() {
	n := s.hitsInSample + s.missesInSample
	if n < s.sampleSize {
		return
	}
	rate := float64(s.hitsInSample) / float64(n)
	change := rate - s.prevHitRate
	amount := s.step
	if change < 0 {
		amount = -s.step
	}
	if math.Abs(change) >= restartThreshold {
		s.step = stepPercent * float64(s.maxWeight)
		if amount < 0 {
			s.step = -s.step
		}
	} else {
		s.step = stepDecay * amount
	}
	s.prevHitRate = rate
	s.hitsInSample, s.missesInSample = 0, 0
	switch q := int64(amount); {
	case q > 0:
		s.growWindow(q)
	case q < 0:
		s.shrinkWindow(-q)
	}
}

func (s *shard[K, V]) growWindow(quota int64) {
	quota = min(quota, s.protectedMax)
	if quota <= 0 {
		return
	}
	s.windowMax += quota
	s.protectedMax -= quota
	s.demoteProtected()
	for range transferLimit {
		e := s.prob.tail
		if e == nil {
			e = s.prot.tail
		}
		if e == nil || int64(e.weight) > quota {
			break
		}
		quota -= int64(e.weight)
		if e.queue == queueProbation {
			s.prob.remove(e)
		} else {
			s.prot.remove(e)
		}
		e.queue = queueWindow
		s.window.pushFront(e)
	}
	s.windowMax -= quota
	s.protectedMax += quota
}

func (s *shard[K, V]) shrinkWindow(quota int64) {
	quota = min(quota, max(0, s.windowMax-1))
	if quota <= 0 {
		return
	}
	s.windowMax -= quota
	s.protectedMax += quota
	for range transferLimit {
		e := s.window.tail
		if e == nil || int64(e.weight) > quota {
			break
		}
		quota -= int64(e.weight)
		s.window.remove(e)
		e.queue = queueProbation
		s.prob.pushFront(e)
	}
	s.windowMax += quota
	s.protectedMax -= quota
}

// expire removes up to reclaimBatch expired entries and reports whether more
// are due. Caller holds mu.
func (s *shard[K, V]) expire(now int64, pend *[]evicted[K, V]) (more bool) {
	for range reclaimBatch {
		if len(s.expiry) == 0 || s.expiry[0].expireAt > now {
			s.publishWeight()
			return false
		}
		s.unlink(s.expiry[0], Expired, pend)
	}
	s.publishWeight()
	return len(s.expiry) > 0 && s.expiry[0].expireAt <= now
}

// clear removes every entry. Caller holds mu.
func (s *shard[K, V]) clear(pend *[]evicted[K, V]) {
	for _, cl := range s.calls {
		cl.invalidated = true
	}
	s.reads.Drain(func(uint64) {})
	for _, l := range []*list[K, V]{&s.window, &s.prob, &s.prot} {
		for e := l.head; e != nil; e = e.next {
			e.queue = queueNone
			s.noteRemoval(e, Explicit, pend)
		}
		l.reset()
	}
	for _, e := range s.expiry {
		e.heapIdx = -1
	}
	s.expiry = nil
	s.weight = 0
	s.count.Store(0)
	s.weightSnap.Store(0)
	s.table.Store(newTable[K, V](minTableSize))
}

// each calls fn for every entry in the shard. Caller holds mu.
func (s *shard[K, V]) each(fn func(*entry[K, V])) {
	for _, l := range []*list[K, V]{&s.window, &s.prob, &s.prot} {
		for e := l.head; e != nil; e = e.next {
			fn(e)
		}
	}
}
