package walrus16

import (
	"fmt"
	"sync"
	"testing"
)

func TestReadSequencesConcurrently(t *testing.T) {
	b := NewBucket()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Each gateway reads the sequence counters of its channels.
			for c := range 3 {
				if got := b.Incr(fmt.Sprintf("_sync:seq:%d", c), 0, 1); got != 1 {
					t.Errorf("sequence %d = %d, want 1", c, got)
				}
			}
		}()
	}
	wg.Wait()
}
