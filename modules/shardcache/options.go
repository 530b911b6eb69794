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

// Limits on options, so that no option can make New allocate without bound
// or overflow: a cache of more than 2^40 entries cannot fit in any
// machine's memory, and more shards than 2^16 only add overhead.
const (
	// MaxEntriesLimit is the largest MaxEntries New accepts.
	MaxEntriesLimit = 1 << 40
	// MaxShardsLimit is the largest Shards New accepts.
	MaxShardsLimit = 1 << 16
)

// Sentinel errors returned by New, wrapped with the offending field named,
// and by GetOrLoad. Each message starts with "shardcache: " once: wrapping
// errors add their detail after the sentinel's text.
var (
	// ErrInvalidCapacity reports a missing, non-positive or too large bound
	// (MaxEntries, MaxWeight).
	ErrInvalidCapacity = errors.New("shardcache: invalid capacity")
	// ErrMissingWeigher reports MaxWeight set without a Weigher.
	ErrMissingWeigher = errors.New("shardcache: missing weigher")
	// ErrInvalidTTL reports a negative TTL.
	ErrInvalidTTL = errors.New("shardcache: invalid TTL")
	// ErrInvalidShards reports a negative or too large shard count, or one
	// that would leave shards with fewer than 256 entries each.
	ErrInvalidShards = errors.New("shardcache: invalid shard count")
	// ErrInvalidArgument reports a nil context or load function passed to
	// GetOrLoad.
	ErrInvalidArgument = errors.New("shardcache: invalid argument")
	// ErrClosed is returned by GetOrLoad on a miss after Close.
	ErrClosed = errors.New("shardcache: cache closed")
)

// Options configures a Cache. At least one of MaxEntries and MaxWeight must
// be set; when both are, both bounds hold.
type Options[K comparable, V any] struct {
	// MaxEntries bounds the number of entries, at most MaxEntriesLimit.
	MaxEntries int
	// MaxWeight bounds the sum of entry weights computed by Weigher. Every
	// entry weighs at least 1 (a Weigher result of 0 counts as 1), so a
	// weight-bounded cache also holds at most MaxWeight entries (and at
	// most MaxEntriesLimit); set MaxEntries as well for a tighter bound on
	// the number of entries. Each
	// shard holds at most its share of MaxWeight, so an entry heavier than
	// MaxWeight divided by the shard count is evicted (cause Size) as soon
	// as it is written.
	MaxWeight int64
	// Weigher returns the weight of an entry; required when MaxWeight is set,
	// ignored otherwise. It is called once per write, before the shard lock
	// is taken.
	Weigher func(key K, value V) uint32
	// TTL is the default time-to-live of entries written by Set and
	// GetOrLoad; 0 means entries do not expire.
	TTL time.Duration
	// Shards is the number of independently locked shards, at most
	// MaxShardsLimit; 0 picks a count from GOMAXPROCS and the capacity. With
	// MaxEntries, every shard must get at least 256 entries (or there is one
	// shard).
	Shards int
	// OnRemove, if set, is called once for every entry removed from the
	// cache, with the cause: evictions (Size, Expired), which the cache
	// decides, and removals by the caller (Explicit, Replaced). It is called
	// without any cache lock held, by the goroutine whose operation removed
	// the entry: the writer for Size, Replaced and Explicit, the background
	// reclaimer or a writer for Expired, and the goroutine running a load
	// for removals caused by storing its result. It may call the cache. A
	// panic in OnRemove on the caller's goroutine propagates to the caller
	// of the operation, after the other removals of that operation are
	// reported; on the reclaimer or a load goroutine it is recovered, and
	// Close returns it as a *PanicError.
	OnRemove func(key K, value V, cause RemovalCause)
}

// RemovalCause says why an entry left the cache.
type RemovalCause int

const (
	// Size: evicted by the policy to stay within the bounds.
	Size RemovalCause = iota
	// Expired: evicted because its time-to-live had passed (also when a
	// Set, Delete or Clear finds it expired).
	Expired
	// Explicit: removed by Delete or Clear.
	Explicit
	// Replaced: Set (or a completed load) wrote a new value for the key.
	Replaced
	numCauses
)

// IsEviction reports whether the cache removed the entry on its own (Size,
// Expired) rather than at a caller's request (Explicit, Replaced).
func (c RemovalCause) IsEviction() bool { return c == Size || c == Expired }

// String returns the lower-case name of the cause, as used in metric labels.
func (c RemovalCause) String() string {
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
	return fmt.Sprintf("RemovalCause(%d)", int(c))
}

func (o *Options[K, V]) validate() error {
	switch {
	case o.MaxEntries < 0 || int64(o.MaxEntries) > MaxEntriesLimit:
		return fmt.Errorf("%w: MaxEntries must be in [1, %d], got %d", ErrInvalidCapacity, int64(MaxEntriesLimit), o.MaxEntries)
	case o.MaxWeight < 0:
		return fmt.Errorf("%w: MaxWeight must be > 0, got %d", ErrInvalidCapacity, o.MaxWeight)
	case o.MaxEntries == 0 && o.MaxWeight == 0:
		return fmt.Errorf("%w: one of MaxEntries or MaxWeight must be set", ErrInvalidCapacity)
	case o.MaxWeight > 0 && o.Weigher == nil:
		return fmt.Errorf("%w: Weigher is required when MaxWeight is set", ErrMissingWeigher)
	case o.TTL < 0:
		return fmt.Errorf("%w: TTL must be >= 0, got %v", ErrInvalidTTL, o.TTL)
	case o.Shards < 0 || o.Shards > MaxShardsLimit:
		return fmt.Errorf("%w: Shards must be in [0, %d], got %d", ErrInvalidShards, MaxShardsLimit, o.Shards)
	case o.MaxWeight > 0 && int64(o.Shards) > o.MaxWeight:
		return fmt.Errorf("%w: Shards=%d exceeds MaxWeight=%d", ErrInvalidShards, o.Shards, o.MaxWeight)
	case o.Shards > 1 && o.MaxEntries > 0 && o.MaxEntries/o.Shards < minShardEntries:
		return fmt.Errorf("%w: Shards=%d leaves fewer than %d of MaxEntries=%d per shard",
			ErrInvalidShards, o.Shards, minShardEntries, o.MaxEntries)
	case o.Shards > 0 && o.MaxEntries > 0 && o.MaxEntries/o.Shards >= maxShardEntries:
		return fmt.Errorf("%w: Shards=%d leaves more than %d of MaxEntries=%d per shard",
			ErrInvalidShards, o.Shards, maxShardEntries, o.MaxEntries)
	}
	return nil
}
