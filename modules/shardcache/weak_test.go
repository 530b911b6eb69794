package shardcache

import (
	"runtime"
	"testing"
	"weak"

	"github.com/stretchr/testify/require"
)

type payload struct{ data [64]byte }

func collected(wp weak.Pointer[payload]) bool {
	for range 5 {
		runtime.GC()
		if wp.Value() == nil {
			return true
		}
	}
	return false
}

func TestDeletedValueIsCollectable(t *testing.T) {
	c := mustNew(t, Options[int, *payload]{MaxEntries: 1000})
	p := &payload{}
	wp := weak.Make(p)
	c.Set(1, p)
	for range 100 {
		c.Get(1) // fill the access buffers with references to the entry
	}
	p = nil
	c.Delete(1)
	require.True(t, collected(wp), "a deleted value must not be retained")
	runtime.KeepAlive(c)
}

func TestEvictedAndReplacedValuesAreCollectable(t *testing.T) {
	var evictedCount int
	targetEvicted := false
	c := mustNew(t, Options[int, *payload]{MaxEntries: 256, Shards: 1, OnRemove: func(k int, _ *payload, cause RemovalCause) {
		evictedCount++
		if k == -1 && cause == Size {
			targetEvicted = true
		}
	}})
	p := &payload{}
	wp := weak.Make(p)
	c.Set(-1, p)
	c.Get(-1) // a hit may leave a reference to the entry in a read buffer
	p = nil
	// Which insert evicts key -1 depends on the admission policy (its
	// frequency estimate, the sampled read buffer); keep inserting new keys
	// until it goes, within a bound far beyond any sketch reset period.
	for i := 0; !targetEvicted && i < 1_000_000; i++ {
		c.Set(i, &payload{})
	}
	require.True(t, targetEvicted, "key -1 was never evicted")
	_, ok := c.Get(-1)
	require.False(t, ok)
	require.True(t, collected(wp), "an evicted value must not be retained")

	q := &payload{}
	wq := weak.Make(q)
	c.Set(5000, q)
	q = nil
	c.Set(5000, &payload{})
	require.True(t, collected(wq), "a replaced value must not be retained")

	r := &payload{}
	wr := weak.Make(r)
	c.Set(6000, r)
	r = nil
	c.Clear()
	require.True(t, collected(wr), "a cleared value must not be retained")
	require.Positive(t, evictedCount)
	runtime.KeepAlive(c)
}
