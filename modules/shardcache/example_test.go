package shardcache_test

import (
	"context"
	"fmt"
	"time"

	"github.com/raceproof/raceproof/modules/shardcache"
)

// slowSquare stands in for a database query or a remote call.
func slowSquare(_ context.Context, n int) (int, error) {
	time.Sleep(10 * time.Millisecond)
	return n * n, nil
}

// A read-through cache in front of a slow function: the first lookup of a
// key calls the function, later lookups are served from memory, and
// concurrent lookups of a missing key share one call.
func Example() {
	cache, err := shardcache.New(shardcache.Options[int, int]{
		MaxEntries: 10_000,
		TTL:        time.Minute,
	})
	if err != nil {
		panic(err)
	}
	defer cache.Close()

	ctx := context.Background()
	for range 3 {
		v, err := cache.GetOrLoad(ctx, 12, slowSquare)
		if err != nil {
			panic(err)
		}
		fmt.Println(v)
	}
	st := cache.Stats()
	fmt.Printf("loads=%d hits=%d misses=%d\n", st.LoadSuccesses, st.Hits, st.Misses)
	// Output:
	// 144
	// 144
	// 144
	// loads=1 hits=2 misses=1
}

func ExampleNew() {
	_, err := shardcache.New(shardcache.Options[string, []byte]{MaxWeight: 1 << 20})
	fmt.Println(err)
	// Output: shardcache: missing weigher: Weigher is required when MaxWeight is set
}

func ExampleOptions_OnRemove() {
	cache, _ := shardcache.New(shardcache.Options[string, int]{
		MaxEntries: 100,
		OnRemove: func(key string, value int, cause shardcache.RemovalCause) {
			fmt.Println("evicted", key, value, cause)
		},
	})
	defer cache.Close()
	cache.Set("a", 1)
	cache.Set("a", 2)
	cache.Delete("a")
	// Output:
	// evicted a 1 replaced
	// evicted a 2 explicit
}

// OnRemove learns why each entry left: evictions are the cache's decisions
// (Size, Expired), the other causes the caller's own writes.
func ExampleRemovalCause_IsEviction() {
	cache, err := shardcache.New(shardcache.Options[string, int]{
		MaxEntries: 256,
		OnRemove: func(key string, value int, cause shardcache.RemovalCause) {
			fmt.Println(key, value, cause, cause.IsEviction())
		},
	})
	if err != nil {
		panic(err)
	}
	defer cache.Close()
	cache.Set("a", 1)
	cache.Set("a", 2)
	cache.Delete("a")
	// Output:
	// a 1 replaced false
	// a 2 explicit false
}
