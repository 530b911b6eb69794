package queue5

import (
	"sync"
	"testing"
)

func TestConsumersShareQueue(t *testing.T) {
	q := NewBlocking()
	const n = 200
	var wg sync.WaitGroup
	var mu sync.Mutex
	sum := 0
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range n / 2 {
				v := q.Get()
				mu.Lock()
				sum += v
				mu.Unlock()
			}
		}()
	}
	for v := range n {
		q.Offer(v)
	}
	wg.Wait()
	if want := n * (n - 1) / 2; sum != want {
		t.Fatalf("consumers got a sum of %d, want %d", sum, want)
	}
}
