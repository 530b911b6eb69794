package gorunc57

import (
	"fmt"
	"sync"
	"testing"
)

func TestStateOfManyContainers(t *testing.T) {
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				id := fmt.Sprintf("ctr-%d-%d", i, j)
				got, err := State(id)
				if want := fmt.Sprintf(`{"id":%q,"status":"running"}`, id); err != nil || got != want {
					t.Errorf("State(%s) = %q, %v; want %q", id, got, err, want)
					return
				}
			}
		}()
	}
	wg.Wait()
}
