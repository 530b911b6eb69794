package shardcache

import (
	"iter"
	"math"
	"math/bits"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/raceproof/raceproof/modules/shardcache/internal/affinity"
	"github.com/raceproof/raceproof/modules/shardcache/internal/cacheline"
	"github.com/raceproof/raceproof/modules/shardcache/internal/wordvalue"
)

// reclaimInterval is how often the background reclaimer removes expired
// entries. Expired entries are invisible at once; this only bounds how long
// their memory stays referenced.
const reclaimInterval = time.Second

// Cache is a bounded, concurrent, in-memory key/value cache. Its keys are
// split over shards; each shard has a lock-free hash index, a W-TinyLFU
// eviction policy with an adaptive window, an expiry heap and a table of
// loads in flight. Create one with New.
//
// All methods are safe for concurrent use. Get, and GetOrLoad on a hit,
// take no lock and do not allocate; the only shared memory they write is a
// hit counter and a lossy access buffer, both striped by goroutine, so
// readers of one hot key do not contend on one cache line. Set of a key
// that is present and never expires, with a value that fits one machine
// word (a pointer, map, channel or func, or 4 or 8 bytes without pointers
// aligned to their size),
// overwrites the value in place with one atomic store and takes no lock
// when the cache has neither Weigher nor OnRemove; every other Set, and
// SetWithTTL, Delete and Clear, take the lock of the shards they touch and
// allocate at most one entry. A write is never dropped: when Set returns,
// the value is visible to every Get that starts afterwards (until it is
// evicted, expires, or is overwritten). In the terminology of the Go memory
// model, a Set synchronizes before any Get or GetOrLoad that observes the
// value it stored. After any operation completes, the cache holds at most
// MaxEntries entries and at most MaxWeight total weight.
//
// No panic of a caller-supplied function (load, Weigher, OnRemove, the
// loop body of All) and no invalid argument leaves a lock held or the cache
// in an inconsistent state.
//
// A Cache must not be copied after first use.
type Cache[K comparable, V any] struct {
	_        noCopy
	shards   []*shard[K, V]
	nshards  uint64
	hash     func(K) uint64
	clock    clock
	ttl      int64
	weigher  func(K, V) uint32
	onRemove func(K, V, RemovalCause)
	hits     []paddedCounter
	misses   []paddedCounter
	// replaced counts values overwritten without the shard lock (removals
	// with cause Replaced), striped like hits.
	replaced []paddedCounter
	// pendPool holds *[]evicted[K, V] lists for writes that remove entries.
	pendPool sync.Pool

	loads loadStats

	life       sync.Mutex
	closed     atomic.Bool
	reclaiming atomic.Bool
	ttlUsed    atomic.Bool // some entry was written with a TTL
	// bgPanic is the first panic recovered on a background goroutine (an
	// OnRemove called by the reclaimer or a load), returned by Close.
	bgPanic atomic.Pointer[PanicError]

	// inPlaceUnlocked is set when Set may overwrite a value without the
	// shard lock: the value can be stored atomically, every entry weighs 1
	// and no OnRemove needs the replaced value.
	inPlaceUnlocked bool
	stop            chan struct{}
	wg              sync.WaitGroup
}

// paddedCounter is one stripe of a striped counter, alone on its cache
// lines (see cacheline.Size).
type paddedCounter struct {
	n atomic.Uint64
	_ [cacheline.Size - 8]byte
}

// noCopy lets go vet's copylocks check flag copies of a Cache.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// New returns an empty cache configured by opts, or an error wrapping one of
// ErrInvalidCapacity, ErrMissingWeigher, ErrInvalidTTL or ErrInvalidShards
// that names the offending field.
func New[K comparable, V any](opts Options[K, V]) (*Cache[K, V], error) {
	return newCache(opts, nil)
}

func newCache[K comparable, V any](opts Options[K, V], clk clock) (*Cache[K, V], error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if clk == nil {
		clk = monoClock{base: time.Now()}
	}
	procs := runtime.GOMAXPROCS(0)
	weighted := opts.MaxWeight > 0
	// Every entry weighs at least 1, so MaxWeight also bounds the entries,
	// up to MaxEntriesLimit: the shard count grows with the entry bound.
	entries := int64(opts.MaxEntries)
	if weighted && (entries == 0 || opts.MaxWeight < entries) {
		entries = min(opts.MaxWeight, MaxEntriesLimit)
	}
	bound := entries
	if weighted {
		bound = opts.MaxWeight
	}
	n := opts.Shards
	if n == 0 {
		n = autoShards(bound, entries, procs)
	}
	// Four stripes per P keep goroutines that run at the same time on
	// different stripes (see package affinity) with high probability.
	stripes := 1 << bits.Len(uint(4*procs-1))
	stripes = min(stripes, 64)
	c := &Cache[K, V]{
		shards:   make([]*shard[K, V], n),
		nshards:  uint64(n),
		hash:     newHasher[K](),
		clock:    clk,
		ttl:      int64(opts.TTL),
		onRemove: opts.OnRemove,
		hits:     make([]paddedCounter, stripes),
		misses:   make([]paddedCounter, stripes),
		replaced: make([]paddedCounter, stripes),
		stop:     make(chan struct{}),
	}
	if weighted {
		c.weigher = opts.Weigher
	}
	c.inPlaceUnlocked = wordvalue.KindOf[V]() != wordvalue.Immutable && c.weigher == nil && c.onRemove == nil
	c.pendPool.New = func() any { return new([]evicted[K, V]) }
	for i := range c.shards {
		c.shards[i] = newShard[K, V](share(bound, n, i), int(min(share(entries, n, i), maxShardEntries)), weighted, c.hash, stripes)
	}
	return c, nil
}

// share returns shard i's share of total split over n shards.
func share(total int64, n, i int) int64 {
	s := total / int64(n)
	if int64(i) < total%int64(n) {
		s++
	}
	return s
}

// autoShards picks four shards per P, limited so that every shard keeps at
// least autoShardEntries of the bound, and raised so that no shard is sized
// for more than maxShardEntries entries.
func autoShards(bound, entries int64, procs int) int {
	n := int64(4 * procs)
	n = min(n, bound/autoShardEntries)
	n = max(n, (entries+maxShardEntries-1)/maxShardEntries)
	return int(max(n, 1))
}

// shardFor maps the high 32 bits of h onto the shards; the low bits index
// the shard's hash table.
func (c *Cache[K, V]) shardFor(h uint64) *shard[K, V] {
	return c.shards[((h>>32)*c.nshards)>>32]
}

// live reports whether e has not expired at the time of the call.
func (c *Cache[K, V]) live(e *entry[K, V]) bool {
	return e.expireAt == 0 || c.clock.now() < e.expireAt
}

// now returns the cache clock if some entry was ever written with a TTL,
// else 0: only caches that store TTLs pay for reading the clock.
func (c *Cache[K, V]) now() int64 {
	if c.ttlUsed.Load() {
		return c.clock.now()
	}
	return 0
}

// Get returns the value stored for key and true, or the zero value and false
// if the key is absent or its time-to-live has passed. Get takes no lock and
// does not allocate; the access is reported to the eviction policy through
// a lossy buffer.
func (c *Cache[K, V]) Get(key K) (V, bool) {
	h := c.hash(key)
	s := c.shardFor(h)
	if e := s.find(key, h); e != nil && c.live(e) {
		c.recordHit(s, h)
		return e.loadValue(s.valueKind), true
	}
	c.misses[affinity.Hash()&uint32(len(c.misses)-1)].n.Add(1)
	var zero V
	return zero, false
}

// recordHit counts a hit on the key with hash h and reports it to the
// policy.
func (c *Cache[K, V]) recordHit(s *shard[K, V], h uint64) {
	stripe := affinity.Hash()
	c.hits[stripe&uint32(len(c.hits)-1)].n.Add(1)
	c.reportAccess(s, h)
}

// reportAccess reports an access to the key with hash h to the policy, and
// drains the shard's buffer when the goroutine's stripe of it is full (see
// drainFull).
func (c *Cache[K, V]) reportAccess(s *shard[K, V], h uint64) {
	if _, full := s.reads.Add(h); full && !s.drainScheduled.Load() && s.drainScheduled.CompareAndSwap(false, true) {
		c.drainFull(s)
	}
}

// drainFull applies s's buffered reads to the policy. The caller has set
// drainScheduled.
//
// A goroutine that also asked for the shard's previous drain drains inline:
// the policy's memory (sketch, lists) is likely still in its core's cache,
// and all of a single goroutine's reads reach the policy. When goroutines
// take turns, the drain runs on a new goroutine, as Caffeine's maintenance
// runs on an executor, and until it runs, reads of a full stripe are
// dropped: when every P is busy reading, the policy sees fewer samples
// rather than readers taking turns pulling its memory into their caches.
// The goroutine is accounted for (wg.Add) with the shard lock held, so
// Close, which locks every shard after marking the cache closed, always
// waits for it; once the cache is closed, drains run inline. If a writer
// holds the lock no drain is needed: it drains before it writes.
func (c *Cache[K, V]) drainFull(s *shard[K, V]) {
	if !s.mu.TryLock() {
		s.drainScheduled.Store(false)
		return
	}
	me := affinity.Hash()
	last := s.drainRequester
	s.drainRequester = me
	if last == me || last == 0 || c.closed.Load() {
		s.drainReads()
		s.drainScheduled.Store(false)
		s.mu.Unlock()
		return
	}
	c.wg.Add(1)
	s.mu.Unlock()
	go c.drain(s)
}

// drain is drainFull's goroutine.
func (c *Cache[K, V]) drain(s *shard[K, V]) {
	defer c.wg.Done()
	s.mu.Lock()
	s.drainReads()
	s.drainScheduled.Store(false)
	s.mu.Unlock()
}

// Set stores value for key with the default TTL from Options, replacing any
// previous value (which is reported to OnRemove with cause Replaced, or
// Expired if it had expired). Set may evict other entries to stay within
// the bounds; it never drops the write itself, except that an entry heavier
// than its shard's share of MaxWeight is evicted at once with cause Size,
// and that a key not equal to itself (a floating-point NaN, or a value
// holding one), which no Get could find, is not stored.
func (c *Cache[K, V]) Set(key K, value V) {
	c.set(key, value, c.ttl, true)
}

// SetWithTTL is like Set with a time-to-live of ttl for this entry; ttl <= 0
// means the entry never expires.
func (c *Cache[K, V]) SetWithTTL(key K, value V, ttl time.Duration) {
	c.set(key, value, int64(max(ttl, 0)), true)
}

func (c *Cache[K, V]) set(key K, value V, ttl int64, invalidate bool) {
	h := c.hash(key)
	if key != key {
		// A NaN, or a value holding one: no Get could ever find it, and
		// its hash is random, so it is not stored.
		return
	}
	s := c.shardFor(h)
	if ttl == 0 && c.inPlaceUnlocked {
		// Overwriting an entry that never expires with a value of the same
		// weight needs no lock: the value changes with one atomic store, and
		// the policy learns of the access as it does of a hit. A concurrent
		// Delete, eviction or Clear that unlinks the entry first makes this
		// write linearize just before that removal.
		if e := s.find(key, h); e != nil && e.expireAt == 0 {
			e.storeValue(s.valueKind, value)
			c.replaced[affinity.Hash()&uint32(len(c.replaced)-1)].n.Add(1)
			c.reportAccess(s, h)
			return
		}
	}
	w := write[K, V]{key: key, value: value, hash: h, weight: 1}
	if c.weigher != nil {
		w.weight = max(c.weigher(key, value), 1)
	}
	if ttl > 0 {
		c.startReclaimer()
	}
	now := c.now()
	if ttl > 0 {
		w.expireAt = expiry(now, ttl)
	}
	pend := c.pending()
	s.mu.Lock()
	s.drainReads()
	s.put(w, now, invalidate, pend)
	s.mu.Unlock()
	c.release(pend)
}

// expiry returns now + ttl, saturating instead of overflowing.
func expiry(now, ttl int64) int64 {
	if ttl > math.MaxInt64-now {
		return math.MaxInt64
	}
	return now + ttl
}

// Delete removes key, reporting its entry to OnRemove with cause Explicit
// (Expired if it had expired). It also prevents a load of key that is in
// flight from storing its result.
func (c *Cache[K, V]) Delete(key K) {
	h := c.hash(key)
	pend := c.pending()
	s := c.shardFor(h)
	now := c.now()
	s.mu.Lock()
	s.drainReads()
	s.delete(key, h, now, pend)
	s.mu.Unlock()
	c.release(pend)
}

// Len returns the number of entries stored, including expired entries whose
// memory has not been reclaimed yet. It sums per-shard counters without
// locking, so under concurrent writes it is a moment-by-moment approximation.
func (c *Cache[K, V]) Len() int {
	n := 0
	for _, s := range c.shards {
		n += int(s.count.Load())
	}
	return n
}

// Clear removes every entry, one shard at a time, reporting each to OnRemove
// with cause Explicit (Expired for those that had expired), and prevents
// loads in flight from storing their results. Entries written concurrently
// with Clear may survive it.
func (c *Cache[K, V]) Clear() {
	c.clearFrom(0)
}

// clearFrom clears shards i and up. If OnRemove panics, the remaining shards
// are still cleared before the panic continues.
func (c *Cache[K, V]) clearFrom(i int) {
	for ; i < len(c.shards); i++ {
		s := c.shards[i]
		pend := c.pending()
		now := c.now()
		s.mu.Lock()
		s.clear(now, pend)
		s.mu.Unlock()
		reported := false
		func() {
			defer func() {
				if !reported {
					c.clearFrom(i + 1)
				}
			}()
			c.release(pend)
			reported = true
		}()
	}
}

// All returns an iterator over the unexpired entries. Each shard is
// snapshotted under its lock and yielded without any lock held, so the loop
// body may call the cache. All does not block writers for longer than one
// shard's snapshot and sees each shard as of its own snapshot: it is not a
// consistent view of the whole cache. Iteration is O(N) and allocates the
// snapshot of one shard at a time.
func (c *Cache[K, V]) All() iter.Seq2[K, V] {
	return func(yield func(K, V) bool) {
		var snap []*entry[K, V]
		for _, s := range c.shards {
			snap = snap[:0]
			s.mu.Lock()
			s.each(func(e *entry[K, V]) { snap = append(snap, e) })
			s.mu.Unlock()
			for _, e := range snap {
				if c.live(e) && !yield(e.key, e.loadValue(s.valueKind)) {
					return
				}
			}
		}
	}
}

// Hottest returns up to n keys that the policy considers most frequently
// used, hottest first, ranked by their TinyLFU frequency estimate (ties by
// recency). It locks each shard in turn and is O(N log N).
func (c *Cache[K, V]) Hottest(n int) []K {
	if n <= 0 {
		return nil
	}
	type ranked struct {
		key  K
		freq int
		rank int
	}
	var all []ranked
	for _, s := range c.shards {
		s.mu.Lock()
		s.drainReads()
		i := 0
		for _, l := range []*list[K, V]{&s.prot, &s.window, &s.prob} {
			for e := l.head; e != nil; e = e.next {
				freq := 0
				if s.sketch != nil {
					freq = s.sketch.Frequency(s.hash(e.key))
				}
				all = append(all, ranked{key: e.key, freq: freq, rank: i})
				i++
			}
		}
		s.mu.Unlock()
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].freq != all[j].freq {
			return all[i].freq > all[j].freq
		}
		return all[i].rank < all[j].rank
	})
	keys := make([]K, 0, min(n, len(all)))
	for _, r := range all[:min(n, len(all))] {
		keys = append(keys, r.key)
	}
	return keys
}

// Close stops the background reclaimer, cancels the contexts of loads in
// flight and waits for them to return. It may be called more than once. It
// returns nil, or the first panic of OnRemove recovered on a background
// goroutine (the reclaimer or a load) as a *PanicError. The cache remains
// usable after Close: Get, Set and Delete keep working (expired entries stay
// invisible and are reclaimed by eviction instead of in the background), and
// GetOrLoad returns ErrClosed on a miss instead of starting a load.
func (c *Cache[K, V]) Close() error {
	c.life.Lock()
	if !c.closed.Load() {
		c.closed.Store(true)
		close(c.stop)
	}
	c.life.Unlock()
	for _, s := range c.shards {
		s.mu.Lock()
		for _, cl := range s.calls {
			cl.cancel()
		}
		s.mu.Unlock()
	}
	c.wg.Wait()
	if p := c.bgPanic.Load(); p != nil {
		return p
	}
	return nil
}

// startReclaimer starts the expiry goroutine on the first write with a TTL.
func (c *Cache[K, V]) startReclaimer() {
	if !c.ttlUsed.Load() {
		c.ttlUsed.Store(true)
	}
	if c.reclaiming.Load() {
		return
	}
	c.life.Lock()
	defer c.life.Unlock()
	if c.reclaiming.Load() || c.closed.Load() {
		return
	}
	c.reclaiming.Store(true)
	c.wg.Add(1)
	go c.reclaim()
}

func (c *Cache[K, V]) reclaim() {
	defer c.wg.Done()
	t := time.NewTicker(reclaimInterval)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-t.C:
			c.background(c.expireAll)
		}
	}
}

// background runs fn, which may call OnRemove, on a background goroutine:
// a panic is recovered and kept for Close instead of crashing the program.
func (c *Cache[K, V]) background(fn func()) {
	defer func() {
		if r := recover(); r != nil {
			c.bgPanic.CompareAndSwap(nil, newPanicError("OnRemove", r))
		}
	}()
	fn()
}

// expireAll removes expired entries from every shard, at most reclaimBatch
// per lock hold, so a burst of expirations never blocks writers for long.
// If OnRemove panics, the other shards are still reclaimed before the panic
// continues.
func (c *Cache[K, V]) expireAll() {
	var panics []any
	for _, s := range c.shards {
		for more := true; more; {
			pend := c.pending()
			s.mu.Lock()
			more = s.expire(c.clock.now(), pend)
			s.mu.Unlock()
			if r := c.releaseRecover(pend); r != nil {
				panics = append(panics, r)
			}
		}
	}
	if len(panics) > 0 {
		panic(panics[0])
	}
}

// pending returns a list for the removals of one write, or nil when there is
// no OnRemove to report them to. Lists are pooled so that a write that evicts
// allocates nothing beyond its entry.
func (c *Cache[K, V]) pending() *[]evicted[K, V] {
	if c.onRemove == nil {
		return nil
	}
	return c.pendPool.Get().(*[]evicted[K, V])
}

// release reports the removals in pend and returns the list to the pool.
func (c *Cache[K, V]) release(pend *[]evicted[K, V]) {
	if pend == nil {
		return
	}
	defer func() {
		clear(*pend)
		*pend = (*pend)[:0]
		c.pendPool.Put(pend)
	}()
	c.notify(*pend)
}

// releaseRecover is release returning a panic of OnRemove instead of
// propagating it.
func (c *Cache[K, V]) releaseRecover(pend *[]evicted[K, V]) (r any) {
	defer func() { r = recover() }()
	c.release(pend)
	return nil
}

// notify calls OnRemove for each pending removal, outside any lock. If a
// callback panics, the remaining removals are still reported before the panic
// continues to the caller.
func (c *Cache[K, V]) notify(pend []evicted[K, V]) {
	i := 0
	defer func() {
		if i < len(pend) {
			c.notify(pend[i:])
		}
	}()
	for i < len(pend) {
		ev := pend[i]
		pend[i] = evicted[K, V]{}
		i++
		c.onRemove(ev.key, ev.value, ev.cause)
	}
}
