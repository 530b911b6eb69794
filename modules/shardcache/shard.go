package shardcache

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/raceproof/raceproof/modules/shardcache/internal/cacheline"
	"github.com/raceproof/raceproof/modules/shardcache/internal/climber"
	"github.com/raceproof/raceproof/modules/shardcache/internal/lossy"
	"github.com/raceproof/raceproof/modules/shardcache/internal/sketch"
	"github.com/raceproof/raceproof/modules/shardcache/internal/wordvalue"
)

// Policy tuning, after the published W-TinyLFU and Caffeine designs.
const (
	initialMainPercent = 0.99 // main space share of the shard at start; the window has the rest
	protectedPercent   = 0.80 // protected share of the main space
	admitHashDoSFreq   = 6    // candidates this warm are sometimes admitted on a tie
	transferLimit      = 1000 // entries moved per window resize, to bound lock hold time
	reclaimBatch       = 256  // expired entries removed per lock hold
	minSketchEntries   = 16   // smallest frequency sketch, in entries
)

// evicted is a removal whose OnRemove call is pending until locks are
// released.
type evicted[K comparable, V any] struct {
	key   K
	value V
	cause RemovalCause
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
	valueKind wordvalue.Kind
	_         [cacheline.Size]byte

	mu             sync.Mutex
	drainScheduled atomic.Bool // a drain of reads is about to run
	drainRequester uint32      // affinity hash of the reader that asked for the last drain
	hash           func(K) uint64
	// sketch and climber are nil until the shard first holds half of its
	// bound: until then nothing is evicted, and the counts of a cache
	// filling up would only delay how fast the sketch learns what is
	// popular once it is full (this is also when Caffeine and otter start
	// theirs). sketchEntries is the capacity, in entries, both are sized
	// for.
	sketch        *sketch.Sketch
	climber       *climber.Climber
	sketchEntries int
	window        list[K, V]
	prob          list[K, V]
	prot          list[K, V]
	expiry        expiryHeap[K, V]
	calls         map[K]*call[V]

	maxWeight    int64 // the bound on the sum of weights
	maxEntries   int   // the bound on the number of entries
	weighted     bool  // entries may weigh more than 1
	windowMax    int64
	protectedMax int64
	weight       int64
	entries      int

	// Counters read by Stats without the lock.
	count      atomic.Int64
	weightSnap atomic.Int64
	removals   [numCauses]atomic.Uint64
	promotions atomic.Uint64
	_          [cacheline.Size]byte
}

func newShard[K comparable, V any](maxWeight int64, maxEntries int, weighted bool, hash func(K) uint64, stripes int) *shard[K, V] {
	s := &shard[K, V]{
		valueKind:  wordvalue.KindOf[V](),
		reads:      lossy.New(stripes),
		tomb:       &entry[K, V]{},
		hash:       hash,
		calls:      make(map[K]*call[V]),
		maxWeight:  maxWeight,
		maxEntries: maxEntries,
		weighted:   weighted,
	}
	s.windowMax = maxWeight - int64(initialMainPercent*float64(maxWeight))
	s.protectedMax = int64(protectedPercent * float64(maxWeight-s.windowMax))
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
	s.adapt()
}

// onRead applies a buffered read of the key with hash h. Caller holds mu.
func (s *shard[K, V]) onRead(h uint64) {
	if e := s.table.Load().findHash(h, s.tomb); e != nil {
		s.onAccess(e, h)
	}
}

// onAccess records a hit on e, whose key hashes to h. Caller holds mu.
func (s *shard[K, V]) onAccess(e *entry[K, V], h uint64) {
	if s.sketch != nil {
		s.sketch.Increment(h)
		s.climber.Hit(e.queue() == queueWindow)
	}
	switch e.queue() {
	case queueWindow:
		s.window.moveToFront(e)
	case queueProbation:
		s.prob.remove(e)
		e.setQueue(queueProtected)
		s.prot.pushFront(e)
		s.promotions.Add(1)
		s.demoteProtected()
	case queueProtected:
		s.prot.moveToFront(e)
	}
}

// startPolicy allocates the frequency sketch and the window climber once
// the shard holds half of either bound, and regrows the sketch of a
// weight-bounded shard whose entries outnumber it. Caller holds mu.
func (s *shard[K, V]) startPolicy() {
	if s.sketch != nil {
		if !s.weighted || s.entries <= s.sketchEntries || s.sketchEntries == s.maxEntries {
			return
		}
	} else if s.weight*2 < s.maxWeight && s.entries*2 < s.maxEntries {
		return
	}
	n := s.maxEntries
	if s.weighted {
		// Entries of a weight-bounded shard are counted, not known: size
		// for twice those present, which the shard holds at half weight,
		// and regrow (losing the counts) if they outgrow it.
		n = min(max(2*s.entries, minSketchEntries), s.maxEntries)
	}
	s.sketchEntries = n
	s.sketch = sketch.New(n)
	s.climber = climber.New(s.maxWeight, n)
}

// adapt applies the window change the climber asks for. Caller holds mu.
func (s *shard[K, V]) adapt() {
	if s.climber == nil {
		return
	}
	switch d := s.climber.Adjust(s.windowMax); {
	case d > 0:
		s.growWindow(d)
	case d < 0:
		s.shrinkWindow(-d)
	}
}

// demoteProtected moves the protected segment's LRU entries to probation
// until the segment fits its share.
func (s *shard[K, V]) demoteProtected() {
	for s.prot.weight > s.protectedMax && s.prot.tail != nil {
		e := s.prot.tail
		s.prot.remove(e)
		e.setQueue(queueProbation)
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
// without allocating; otherwise a new entry takes the old one's place. A
// write over a present key is an access to it, as a hit is. invalidate is
// true for user writes, which win over loads in flight for the key. now is
// the cache clock, or 0 if no entry has ever had a TTL. Caller holds mu.
func (s *shard[K, V]) put(w write[K, V], now int64, invalidate bool, pend *[]evicted[K, V]) {
	if invalidate && len(s.calls) != 0 {
		if cl := s.calls[w.key]; cl != nil {
			cl.invalidated = true
		}
	}
	t := s.table.Load()
	idx, found := t.slot(w.key, w.hash, s.tomb)
	if int64(w.weight) > s.maxWeight {
		// An entry heavier than the whole shard can never stay: evict it at
		// once instead of first evicting others for room it cannot use.
		if found {
			old := t.slots[idx].entry.Load()
			s.unlink(old, w.hash, replacedCause(old, now), pend)
		}
		s.removals[Size].Add(1)
		if pend != nil {
			*pend = append(*pend, evicted[K, V]{key: w.key, value: w.value, cause: Size})
		}
		s.publishWeight()
		return
	}
	if found {
		old := t.slots[idx].entry.Load()
		if s.valueKind != wordvalue.Immutable && old.expireAt == w.expireAt && old.weight == w.weight {
			// Equal expiry times mean old has not expired: w's is in the
			// future, or both are 0.
			s.noteRemoval(old, Replaced, pend)
			old.storeValue(s.valueKind, w.value)
			s.onAccess(old, w.hash)
			s.adapt()
			return
		}
		e := newEntry(w)
		t.store(idx, w.hash, e)
		e.setQueue(old.queue())
		switch old.queue() {
		case queueWindow:
			s.window.replace(old, e)
		case queueProbation:
			s.prob.replace(old, e)
		case queueProtected:
			s.prot.replace(old, e)
		}
		old.setQueue(queueNone)
		if old.heapIdx() >= 0 {
			s.expiry.remove(old)
		}
		s.weight += int64(e.weight) - int64(old.weight)
		s.noteRemoval(old, replacedCause(old, now), pend)
		if e.expireAt != 0 {
			s.expiry.push(e)
		}
		s.onAccess(e, w.hash)
	} else {
		e := newEntry(w)
		if t.slots[idx].entry.Load() == nil {
			t.used++
		}
		t.store(idx, w.hash, e)
		e.setQueue(queueWindow)
		s.window.pushFront(e)
		s.weight += int64(e.weight)
		s.entries++
		s.count.Add(1)
		if t.used*4 >= len(t.slots)*3 {
			s.rehash(t)
		}
		if e.expireAt != 0 {
			s.expiry.push(e)
		}
		s.startPolicy()
		if s.sketch != nil {
			s.sketch.Increment(w.hash)
			s.climber.Miss()
		}
	}
	s.evict(now, pend)
	s.adapt()
	s.publishWeight()
}

// replacedCause is the cause reported for old when a write replaces it:
// Expired if it had expired by now, else Replaced.
func replacedCause[K comparable, V any](old *entry[K, V], now int64) RemovalCause {
	if old.expired(now) {
		return Expired
	}
	return Replaced
}

func newEntry[K comparable, V any](w write[K, V]) *entry[K, V] {
	return &entry[K, V]{key: w.key, value: w.value, expireAt: w.expireAt, weight: w.weight}
}

// publishWeight makes the weight readable by Stats. Caller holds mu.
func (s *shard[K, V]) publishWeight() {
	if s.weightSnap.Load() != s.weight {
		s.weightSnap.Store(s.weight)
	}
}

// rehash publishes a new table holding the live entries of t.
func (s *shard[K, V]) rehash(t *table[K, V]) {
	nt := newTable[K, V](sizeFor(s.entries, s.maxEntries))
	for i := range t.slots {
		e := t.slots[i].entry.Load()
		if e == nil || e == s.tomb {
			continue
		}
		h := t.slots[i].hash.Load()
		j := nt.home(h)
		for nt.slots[j].entry.Load() != nil {
			j = nt.next(j)
		}
		nt.store(j, h, e)
		nt.used++
	}
	s.table.Store(nt)
}

// unlink removes e, whose key hashes to h, from the table, its queue and
// the expiry heap, and records the removal. Caller holds mu.
func (s *shard[K, V]) unlink(e *entry[K, V], h uint64, cause RemovalCause, pend *[]evicted[K, V]) {
	t := s.table.Load()
	for i := t.home(h); ; i = t.next(i) {
		cur := t.slots[i].entry.Load()
		if cur == e {
			t.slots[i].entry.Store(s.tomb)
		}
		if cur == e || cur == nil {
			break
		}
	}
	switch e.queue() {
	case queueWindow:
		s.window.remove(e)
	case queueProbation:
		s.prob.remove(e)
	case queueProtected:
		s.prot.remove(e)
	}
	e.setQueue(queueNone)
	if e.heapIdx() >= 0 {
		s.expiry.remove(e)
	}
	s.weight -= int64(e.weight)
	s.entries--
	s.count.Add(-1)
	s.noteRemoval(e, cause, pend)
}

func (s *shard[K, V]) noteRemoval(e *entry[K, V], cause RemovalCause, pend *[]evicted[K, V]) {
	s.removals[cause].Add(1)
	if pend != nil {
		*pend = append(*pend, evicted[K, V]{key: e.key, value: e.loadValue(s.valueKind), cause: cause})
	}
}

// delete removes key if present, as Explicit, or Expired if it had expired
// by now (0 if no entry has ever had a TTL). Caller holds mu.
func (s *shard[K, V]) delete(key K, h uint64, now int64, pend *[]evicted[K, V]) {
	if len(s.calls) != 0 {
		if cl := s.calls[key]; cl != nil {
			cl.invalidated = true
		}
	}
	if e := s.find(key, h); e != nil {
		cause := Explicit
		if e.expired(now) {
			cause = Expired
		}
		s.unlink(e, h, cause, pend)
		s.publishWeight()
	}
}

// over reports whether the shard holds more than its bounds allow.
func (s *shard[K, V]) over() bool {
	return s.weight > s.maxWeight || s.entries > s.maxEntries
}

// evict restores the bounds: expired entries go first, then window overflow
// moves to probation and candidates from the window compete with the
// probation LRU victim by TinyLFU frequency. Caller holds mu.
func (s *shard[K, V]) evict(now int64, pend *[]evicted[K, V]) {
	for s.over() && len(s.expiry) > 0 && s.expiry[0].expireAt <= now {
		e := s.expiry[0]
		s.unlink(e, s.hash(e.key), Expired, pend)
	}
	var candidate *entry[K, V]
	for s.window.weight > s.windowMax && s.window.tail != nil {
		e := s.window.tail
		s.window.remove(e)
		e.setQueue(queueProbation)
		s.prob.pushFront(e)
		if candidate == nil {
			candidate = e
		}
	}
	for s.over() {
		victim := s.prob.tail
		if victim == nil {
			victim = s.prot.tail
		}
		if victim == nil {
			victim = s.window.tail
		}
		switch {
		case candidate == nil || candidate.queue() != queueProbation:
			candidate = nil
			s.unlink(victim, s.hash(victim.key), Size, pend)
		case candidate == victim:
			next := candidate.prev
			s.unlink(candidate, s.hash(candidate.key), Size, pend)
			candidate = next
		default:
			ch, vh := s.hash(candidate.key), s.hash(victim.key)
			if int64(candidate.weight) > s.maxWeight || !s.admit(ch, vh) {
				next := candidate.prev
				s.unlink(candidate, ch, Size, pend)
				candidate = next
			} else {
				s.unlink(victim, vh, Size, pend)
			}
		}
	}
}

// admit reports whether the candidate with key hash ch should replace the
// victim with key hash vh in the main space.
func (s *shard[K, V]) admit(ch, vh uint64) bool {
	if s.sketch == nil {
		return false
	}
	cf := s.sketch.Frequency(ch)
	vf := s.sketch.Frequency(vh)
	if cf > vf {
		return true
	}
	// A warm candidate that only ties or loses is admitted at random, 1 in
	// 128, so an attacker cannot pin a victim by flooding its frequency.
	return cf >= admitHashDoSFreq && rand.Uint32()&127 == 0
}

// growWindow moves up to quota weight from the main space to the window.
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
		if e.queue() == queueProbation {
			s.prob.remove(e)
		} else {
			s.prot.remove(e)
		}
		e.setQueue(queueWindow)
		s.window.pushFront(e)
	}
	s.windowMax -= quota
	s.protectedMax += quota
}

// shrinkWindow moves up to quota weight from the window to the main space.
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
		e.setQueue(queueProbation)
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
		e := s.expiry[0]
		s.unlink(e, s.hash(e.key), Expired, pend)
	}
	s.publishWeight()
	return len(s.expiry) > 0 && s.expiry[0].expireAt <= now
}

// clear removes every entry, as Explicit, or Expired for those that had
// expired by now (0 if no entry has ever had a TTL). Caller holds mu.
func (s *shard[K, V]) clear(now int64, pend *[]evicted[K, V]) {
	for _, cl := range s.calls {
		cl.invalidated = true
	}
	s.reads.Drain(func(uint64) {})
	for _, l := range []*list[K, V]{&s.window, &s.prob, &s.prot} {
		for e := l.head; e != nil; e = e.next {
			e.setQueue(queueNone)
			cause := Explicit
			if e.expired(now) {
				cause = Expired
			}
			s.noteRemoval(e, cause, pend)
		}
		l.reset()
	}
	for _, e := range s.expiry {
		e.setHeapIdx(-1)
	}
	s.expiry = nil
	s.weight = 0
	s.entries = 0
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
