package lockfree_test

import (
	"context"
	"fmt"
	"sync"

	"github.com/raceproof/raceproof/modules/lockfree"
)

func ExampleCounter() {
	var requests lockfree.Counter
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 1000 {
				requests.Inc()
			}
		})
	}
	wg.Wait()
	fmt.Println(requests.Load())
	fmt.Println(requests.Swap(), requests.Load())
	// Output:
	// 8000
	// 8000 0
}

func ExampleQueue() {
	q, err := lockfree.NewQueue[string](2)
	if err != nil {
		panic(err)
	}
	fmt.Println(q.TryEnqueue("a"), q.TryEnqueue("b"), q.TryEnqueue("c"))
	v, ok := q.TryDequeue()
	fmt.Println(v, ok, q.Len(), q.Cap())
	// Output:
	// true true false
	// a true 1 2
}

func ExampleQueue_Dequeue() {
	q, err := lockfree.NewQueue[int](16)
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	go func() {
		for i := 1; i <= 3; i++ {
			if err := q.Enqueue(ctx, i); err != nil {
				panic(err)
			}
		}
		q.Close()
	}()
	sum := 0
	for {
		v, err := q.Dequeue(ctx)
		if err != nil {
			fmt.Println(sum, err)
			return
		}
		sum += v
	}
	// Output:
	// 6 lockfree: queue closed
}

func ExampleUnboundedQueue() {
	var q lockfree.UnboundedQueue[string]
	_ = q.Enqueue("first") // nil: an open queue always takes the element
	_ = q.Enqueue("second")
	v, _ := q.TryDequeue()
	fmt.Println(v, q.Len())
	q.Close()
	fmt.Println(q.Enqueue("third")) // after Close: ErrClosed, nothing added
	v, err := q.Dequeue(context.Background())
	fmt.Println(v, err)
	_, err = q.Dequeue(context.Background())
	fmt.Println(err)
	// Output:
	// first 1
	// lockfree: queue closed
	// second <nil>
	// lockfree: queue closed
}

type routes struct {
	version int
	table   map[string]string
}

func ExampleValue() {
	var cfg lockfree.Value[routes]
	cfg.Store(&routes{version: 1, table: map[string]string{"/": "home"}})

	// Readers: one atomic load, no allocation, no lock.
	fmt.Println(cfg.Load().table["/"])

	// Writers build a new value and swap it in; Update retries on contention.
	cfg.Update(func(old *routes) *routes {
		table := map[string]string{"/about": "about"}
		for k, v := range old.table {
			table[k] = v
		}
		return &routes{version: old.version + 1, table: table}
	})
	fmt.Println(cfg.Load().version, len(cfg.Load().table))
	// Output:
	// home
	// 2 2
}
