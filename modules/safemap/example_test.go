package safemap_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/raceproof/raceproof/modules/safemap"
)

func ExampleMap() {
	var m safemap.Map[string, int] // the zero value is ready to use
	m.Store("apples", 3)
	m.Store("pears", 5)
	if n, ok := m.Load("apples"); ok {
		fmt.Println("apples:", n)
	}
	fmt.Println("entries:", m.Len())
	// Output:
	// apples: 3
	// entries: 2
}

func ExampleMap_Compute() {
	m := safemap.New[string, int]()
	for _, w := range []string{"a", "b", "a", "a"} {
		m.Compute(w, func(old int, _ bool) (int, safemap.ComputeOp) {
			return old + 1, safemap.UpdateOp
		})
	}
	// Delete a counter atomically once it reaches zero.
	m.Compute("b", func(old int, _ bool) (int, safemap.ComputeOp) {
		if old-1 == 0 {
			return 0, safemap.DeleteOp
		}
		return old - 1, safemap.UpdateOp
	})
	fmt.Println(m.Snapshot())
	// Output: map[a:3]
}

func ExampleMap_LoadOrCompute() {
	var cache safemap.Map[string, string]
	load := func(key string) (string, error) {
		v, _, err := cache.LoadOrCompute(key, func() (string, error) {
			if key == "" {
				return "", errors.New("empty key")
			}
			fmt.Println("computing", key)
			return "value of " + key, nil
		})
		return v, err
	}
	fmt.Println(load("x"))
	fmt.Println(load("x"))
	fmt.Println(load(""))
	// Output:
	// computing x
	// value of x <nil>
	// value of x <nil>
	//  empty key
}

func ExampleMap_Update() {
	var accounts safemap.Map[string, int]
	accounts.Store("alice", 100)
	accounts.Store("bob", 20)
	transfer := func(from, to string, amount int) (ok bool) {
		accounts.Update([]string{from, to}, func(b *safemap.Batch[string, int]) {
			balance, _ := b.Load(from)
			if balance < amount {
				return // no writes: nothing changes
			}
			b.Store(from, balance-amount)
			dst, _ := b.Load(to)
			b.Store(to, dst+amount)
			ok = true
		})
		return ok
	}
	fmt.Println(transfer("alice", "bob", 30), transfer("bob", "carol", 80))
	fmt.Println(accounts.Snapshot())
	// Output:
	// true false
	// map[alice:70 bob:50]
}

func ExampleMap_All() {
	var m safemap.Map[int, string]
	m.Store(2, "two")
	m.Store(1, "one")
	fmt.Println(slices.Sorted(m.Keys()))
	all := maps.Collect(m.All())
	fmt.Println(all[1], all[2])
	// Output:
	// [1 2]
	// one two
}

func ExampleMap_DeleteFunc() {
	var m safemap.Map[string, int]
	m.Store("fresh", 1)
	m.Store("stale", 99)
	n := m.DeleteFunc(func(_ string, age int) bool { return age > 10 })
	fmt.Println(n, m.Snapshot())
	// Output: 1 map[fresh:1]
}

func ExampleNew() {
	m := safemap.New[int, []byte](safemap.WithPresize(10_000), safemap.WithGrowOnly())
	m.Store(1, []byte("x"))
	fmt.Println(m.Len(), m.Stats().Growths)
	// Output: 1 0
}

func ExampleSyncMap() {
	var m safemap.SyncMap // replaces sync.Map: same methods, same semantics
	m.Store("k", 1)
	v, _ := m.Load("k")
	fmt.Println(v, m.CompareAndSwap("k", 1, 2))
	// Output: 1 true
}
