// Package cachebench compares shardcache.Cache with peer caches: a trace
// simulator for hit ratios (synthetic traces and public traces of real
// workloads), a concurrent throughput suite, and a memory overhead
// measurement.
package cachebench

import (
	"fmt"

	"github.com/Yiling-J/theine-go"
	"github.com/dgraph-io/ristretto/v2"
	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/maypok86/otter/v2"

	"github.com/raceproof/raceproof/modules/shardcache"
)

// Cache is the common surface the simulator and benchmarks drive.
type Cache interface {
	Get(key uint64) (uint64, bool)
	Set(key, value uint64)
	Close()
}

// waiter is implemented by caches that apply writes asynchronously (ristretto
// buffers Sets, theine its policy updates): Wait returns once every write
// made so far has been applied.
type waiter interface {
	Wait()
}

// Impl names an implementation and builds one with a capacity in entries.
type Impl struct {
	Name string
	// New builds the cache as an application would, with default options.
	New func(capacity int) Cache
	// NewReplay, if set, builds the cache for single-threaded trace replays
	// the way the peer's own simulator does; nil means New.
	NewReplay func(capacity int) Cache
}

// Impls are the implementations compared by hit ratio, in report order.
var Impls = []Impl{
	{Name: "shardcache.Cache", New: newShardcache},
	{Name: "otter", New: newOtter, NewReplay: newOtterReplay},
	{Name: "ristretto", New: newRistretto},
	{Name: "theine", New: newTheine},
	{Name: "LRU", New: newLRU},
}

// ConcurrentImpls are the implementations compared by throughput (the exact
// LRU is single-lock and not a contender there).
var ConcurrentImpls = Impls[:4]

type shardcacheImpl struct {
	c *shardcache.Cache[uint64, uint64]
}

func newShardcache(capacity int) Cache {
	c, err := shardcache.New(shardcache.Options[uint64, uint64]{MaxEntries: capacity})
	if err != nil {
		panic(err)
	}
	return shardcacheImpl{c}
}

func (s shardcacheImpl) Get(k uint64) (uint64, bool) { return s.c.Get(k) }
func (s shardcacheImpl) Set(k, v uint64)             { s.c.Set(k, v) }
func (s shardcacheImpl) Close()                      { _ = s.c.Close() }

type otterImpl struct{ c *otter.Cache[uint64, uint64] }

func newOtter(capacity int) Cache {
	c, err := otter.New(&otter.Options[uint64, uint64]{MaximumSize: capacity})
	if err != nil {
		panic(err)
	}
	return otterImpl{c}
}

// newOtterReplay configures otter as its own hit-ratio simulator does
// (benchmarks/simulator in github.com/maypok86/otter): maintenance runs
// synchronously on the calling goroutine. With the default executor,
// maintenance runs on another goroutine and a single-threaded replay
// outruns it: otter then holds up to three times its capacity (measured:
// 762 entries at MaximumSize 250 on the OLTP trace) and scores above
// Belady's optimum on the loop trace, which no cache within its bound can.
func newOtterReplay(capacity int) Cache {
	c, err := otter.New(&otter.Options[uint64, uint64]{
		MaximumSize: capacity,
		Executor:    func(fn func()) { fn() },
	})
	if err != nil {
		panic(err)
	}
	return otterImpl{c}
}

func (o otterImpl) Get(k uint64) (uint64, bool) { return o.c.GetIfPresent(k) }
func (o otterImpl) Set(k, v uint64)             { o.c.Set(k, v) }
func (o otterImpl) Close()                      { o.c.StopAllGoroutines() }

type ristrettoImpl struct {
	c *ristretto.Cache[uint64, uint64]
}

func newRistretto(capacity int) Cache {
	c, err := ristretto.NewCache(&ristretto.Config[uint64, uint64]{
		NumCounters:        int64(10 * capacity),
		MaxCost:            int64(capacity),
		BufferItems:        64,
		IgnoreInternalCost: true,
	})
	if err != nil {
		panic(err)
	}
	return ristrettoImpl{c}
}

func (r ristrettoImpl) Get(k uint64) (uint64, bool) { return r.c.Get(k) }
func (r ristrettoImpl) Set(k, v uint64)             { r.c.Set(k, v, 1) }
func (r ristrettoImpl) Close()                      { r.c.Close() }

// Wait blocks until ristretto has applied every buffered Set.
func (r ristrettoImpl) Wait() { r.c.Wait() }

type theineImpl struct{ c *theine.Cache[uint64, uint64] }

func newTheine(capacity int) Cache {
	c, err := theine.NewBuilder[uint64, uint64](int64(capacity)).Build()
	if err != nil {
		panic(err)
	}
	return theineImpl{c}
}

func (t theineImpl) Get(k uint64) (uint64, bool) { return t.c.Get(k) }
func (t theineImpl) Set(k, v uint64)             { t.c.Set(k, v, 1) }
func (t theineImpl) Close()                      { t.c.Close() }

// Wait blocks until theine has applied every buffered policy update.
func (t theineImpl) Wait() { t.c.Wait() }

type lruImpl struct{ c *lru.Cache[uint64, uint64] }

func newLRU(capacity int) Cache {
	c, err := lru.New[uint64, uint64](capacity)
	if err != nil {
		panic(fmt.Sprint(err))
	}
	return lruImpl{c}
}

func (l lruImpl) Get(k uint64) (uint64, bool) { return l.c.Get(k) }
func (l lruImpl) Set(k, v uint64)             { l.c.Add(k, v) }
func (l lruImpl) Close()                      {}
