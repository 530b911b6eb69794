package shardcache

import (
	"sync/atomic"
	"time"
)

// loadBounds are the upper bounds of the load duration histogram buckets;
// they match Prometheus' default buckets (5 ms to 10 s).
var loadBounds = [...]time.Duration{
	5 * time.Millisecond, 10 * time.Millisecond, 25 * time.Millisecond,
	50 * time.Millisecond, 100 * time.Millisecond, 250 * time.Millisecond,
	500 * time.Millisecond, time.Second, 2500 * time.Millisecond,
	5 * time.Second, 10 * time.Second,
}

// Stats is a snapshot of a cache's counters. Counters are cumulative since
// New; each is read atomically but the snapshot is not taken at one instant,
// so under concurrent use fields may disagree slightly (Hits+Misses need not
// equal the number of Get calls that had returned when Stats was called).
type Stats struct {
	// Hits counts Get and GetOrLoad calls that found a live entry.
	Hits uint64
	// Misses counts Get and GetOrLoad calls that did not.
	Misses uint64
	// LoadSuccesses and LoadErrors count completed loads by outcome; a panic
	// counts as an error.
	LoadSuccesses, LoadErrors uint64
	// LoadDuration is the distribution of load durations.
	LoadDuration Histogram
	// Evicted counts entries the cache removed on its own, by cause.
	Evicted EvictionCounts
	// Removed counts entries removed or overwritten by callers, by cause.
	Removed RemovalCounts
	// Entries is the number of entries stored (as Len).
	Entries int
	// Weight is the total weight stored; without a Weigher it equals
	// Entries.
	Weight int64
	// ShardEntries is the number of entries in each shard, to spot skew.
	ShardEntries []int
	// DedupedWaiters counts GetOrLoad calls that joined a load already in
	// flight instead of starting their own.
	DedupedWaiters uint64
	// Promotions counts entries promoted from the probation to the
	// protected segment, that is, recognised as hot by the policy.
	Promotions uint64
}

// EvictionCounts counts evictions: entries the cache removed on its own.
type EvictionCounts struct {
	// Size counts entries evicted to stay within MaxEntries or MaxWeight.
	Size uint64
	// Expired counts entries removed after their time-to-live passed,
	// whether by the reclaimer, by eviction, or by a Set, Delete or Clear
	// that found them expired.
	Expired uint64
}

// RemovalCounts counts removals by callers.
type RemovalCounts struct {
	// Explicit counts entries removed by Delete and Clear.
	Explicit uint64
	// Replaced counts values overwritten by Set or a completed load.
	Replaced uint64
}

// Histogram is a cumulative-bucket histogram of durations.
type Histogram struct {
	// Bounds are the bucket upper bounds, ascending.
	Bounds []time.Duration
	// Cumulative[i] is the number of observations <= Bounds[i].
	Cumulative []uint64
	// Count is the number of observations and Sum their total.
	Count uint64
	Sum   time.Duration
}

type loadStats struct {
	successes, errors atomic.Uint64
	waiters           atomic.Uint64
	sum               atomic.Int64
	buckets           [len(loadBounds) + 1]atomic.Uint64 // last: above every bound
}

func (l *loadStats) observe(d time.Duration, err error) {
	if err != nil {
		l.errors.Add(1)
	} else {
		l.successes.Add(1)
	}
	l.sum.Add(int64(d))
	i := 0
	for i < len(loadBounds) && d > loadBounds[i] {
		i++
	}
	l.buckets[i].Add(1)
}

// Stats returns a snapshot of the counters. It takes no lock and is O(shards
// × stripes).
func (c *Cache[K, V]) Stats() Stats {
	st := Stats{
		LoadSuccesses:  c.loads.successes.Load(),
		LoadErrors:     c.loads.errors.Load(),
		DedupedWaiters: c.loads.waiters.Load(),
		ShardEntries:   make([]int, len(c.shards)),
	}
	for i := range c.misses {
		st.Hits += c.hits[i].n.Load()
		st.Removed.Replaced += c.replaced[i].n.Load()
		st.Misses += c.misses[i].n.Load()
	}
	for i, s := range c.shards {
		n := int(s.count.Load())
		st.ShardEntries[i] = n
		st.Entries += n
		st.Weight += s.weightSnap.Load()
		st.Promotions += s.promotions.Load()
		st.Evicted.Size += s.removals[Size].Load()
		st.Evicted.Expired += s.removals[Expired].Load()
		st.Removed.Explicit += s.removals[Explicit].Load()
		st.Removed.Replaced += s.removals[Replaced].Load()
	}
	h := Histogram{Bounds: loadBounds[:], Cumulative: make([]uint64, len(loadBounds))}
	var acc uint64
	for i := range loadBounds {
		acc += c.loads.buckets[i].Load()
		h.Cumulative[i] = acc
	}
	h.Count = acc + c.loads.buckets[len(loadBounds)].Load()
	h.Sum = time.Duration(c.loads.sum.Load())
	st.LoadDuration = h
	return st
}
