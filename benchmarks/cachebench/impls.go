// Package cachebench compares shardcache.Cache with peer caches: a trace
// simulator for hit ratios, a concurrent throughput suite, and a memory
// overhead measurement.
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

// Impl names an implementation and builds one with a capacity in entries.
type Impl struct {
	Name string
	New  func(capacity int) Cache
}

// Impls are the implementations compared by hit ratio, in report order.
var Impls = []Impl{
	{"shardcache.Cache", newShardcache},
	{"otter", newOtter},
	{"ristretto", newRistretto},
	{"theine", newTheine},
	{"LRU", newLRU},
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

// Wait lets ristretto apply its buffered writes before a measurement.
func (r ristrettoImpl) Wait() { r.c.Wait() }
