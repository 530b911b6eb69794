package shardcache

import (
	"errors"
	"fmt"
	"time"
)

// minShardEntries is the smallest number of entries a shard may be sized for.
// Smaller shards give each policy too little history: on loop and
// phase-change traces they cost 5 to 13 points of hit ratio.
const minShardEntries = 256

// autoShardEntries is the smallest shard the automatic shard count creates.
// Keys never split exactly evenly over shards: a shard of n entries receives
// about sqrt(n) more or fewer keys than its share, and on traces whose working
// set just exceeds the capacity the shards that receive fewer keys waste
// capacity the others need. At 2048 entries per shard that costs about one
// point of hit ratio; at 256 about three.
const autoShardEntries = 2048

// Sentinel errors returned (wrapped, with the offending field named) by New.
var (
	// ErrInvalidCapacity reports a missing, conflicting or non-positive bound
	// (MaxEntries, MaxWeight).
	ErrInvalidCapacity = errors.New("invalid capacity")
	// ErrMissingWeigher reports MaxWeight set without a Weigher.
	ErrMissingWeigher = errors.New("missing weigher")
	// ErrInvalidTTL reports a negative TTL.
	ErrInvalidTTL = errors.New("invalid TTL")
	// ErrInvalidShards reports a negative shard count, or one that would
	// leave shards with fewer than 256 entries each.
	ErrInvalidShards = errors.New("invalid shard count")
	// ErrClosed is returned by GetOrLoad on a miss after Close.
	ErrClosed = errors.New("shardcache: cache closed")
)

// Options configures a Cache. Exactly one of MaxEntries and MaxWeight must be
// set.
type Options[K comparable, V any] struct {
	// MaxEntries bounds the cache by entry count.
	MaxEntries int
	// MaxWeight bounds the cache by the sum of entry weights computed by
	// Weigher. Each shard holds at most its share of MaxWeight, so an entry
	// heavier than MaxWeight divided by the shard count is evicted (cause
	// Size) as soon as it is written.
	MaxWeight int64
	// Weigher returns the weight of an entry; required when MaxWeight is set,
	// ignored otherwise. It is called once per write, before the shard lock
	// is taken.
	Weigher func(key K, value V) uint32
	// TTL is the default time-to-live of entries written by Set and
	// GetOrLoad; 0 means entries do not expire.
	TTL time.Duration
	// Shards is the number of independently locked shards; 0 picks a count
	// from GOMAXPROCS and the capacity. With MaxEntries, every shard must get
	// at least 256 entries (or there is one shard).
	Shards int
	// OnEvict, if set, is called once for every entry removed from the cache,
	// with the reason. It is called without any cache lock held, by the
	// goroutine whose operation removed the entry: the writer for Size,
	// Replaced and Explicit removals, the background reclaimer or the
	// evicting writer for Expired ones, and the goroutine running a load for
	// removals caused by storing its result. It may call the cache. A panic
	// in OnEvict propagates to the caller of the operation, after the other
	// removals of that operation are reported; on the reclaimer or a load
	// goroutine it crashes the program like any unrecovered panic, so
	// OnEvict should not panic.
	OnEvict func(key K, value V, cause EvictionCause)
}

// EvictionCause says why an entry left the cache.
type EvictionCause int

const (
	// Size: the policy evicted the entry to stay within the bound.
	Size EvictionCause = iota
	// Expired: the entry's time-to-live passed.
	Expired
	// Explicit: Delete or Clear removed the entry.
	Explicit
	// Replaced: Set (or a completed load) wrote a new value for the key.
	Replaced
	numCauses
)

// String returns the lower-case name of the cause, as used in metric labels.
func (c EvictionCause) String() string {
	switch c {
	case Size:
		return "size"
	case Expired:
		return "expired"
	case Explicit:
		return "explicit"
	case Replaced:
		return "replaced"
	}
	return fmt.Sprintf("EvictionCause(%d)", int(c))
}

func (o *Options[K, V]) validate() error {
	switch {
	case o.MaxEntries < 0:
		return fmt.Errorf("shardcache: MaxEntries must be > 0, got %d: %w", o.MaxEntries, ErrInvalidCapacity)
	case o.MaxWeight < 0:
		return fmt.Errorf("shardcache: MaxWeight must be > 0, got %d: %w", o.MaxWeight, ErrInvalidCapacity)
	case o.MaxEntries == 0 && o.MaxWeight == 0:
		return fmt.Errorf("shardcache: one of MaxEntries or MaxWeight must be set: %w", ErrInvalidCapacity)
	case o.MaxEntries > 0 && o.MaxWeight > 0:
		return fmt.Errorf("shardcache: MaxEntries (%d) and MaxWeight (%d) are mutually exclusive: %w", o.MaxEntries, o.MaxWeight, ErrInvalidCapacity)
	case o.MaxWeight > 0 && o.Weigher == nil:
		return fmt.Errorf("shardcache: Weigher is required when MaxWeight is set: %w", ErrMissingWeigher)
	case o.TTL < 0:
		return fmt.Errorf("shardcache: TTL must be >= 0, got %v: %w", o.TTL, ErrInvalidTTL)
	case o.Shards < 0:
		return fmt.Errorf("shardcache: Shards must be >= 0, got %d: %w", o.Shards, ErrInvalidShards)
	case o.MaxWeight > 0 && int64(o.Shards) > o.MaxWeight:
		return fmt.Errorf("shardcache: Shards=%d exceeds MaxWeight=%d: %w", o.Shards, o.MaxWeight, ErrInvalidShards)
	case o.Shards > 1 && o.MaxEntries > 0 && o.MaxEntries/o.Shards < minShardEntries:
		return fmt.Errorf("shardcache: Shards=%d leaves fewer than %d of MaxEntries=%d per shard: %w",
			o.Shards, minShardEntries, o.MaxEntries, ErrInvalidShards)
	}
	return nil
}
