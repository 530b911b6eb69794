package cockroach25456

import (
	"sync"
	"testing"
)

func TestConsistencyQueueWithRebalancing(t *testing.T) {
	q := NewQueue()
	defer q.Stop()
	replicas := []*Replica{{ID: 1}, {ID: 2}, {ID: 3}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		// The rebalancer removes replica 1 while the queue works.
		defer wg.Done()
		replicas[0].Destroy()
	}()
	for _, r := range replicas {
		t.Logf("replica %d: %s", r.ID, q.Add(r))
	}
	wg.Wait()
}
