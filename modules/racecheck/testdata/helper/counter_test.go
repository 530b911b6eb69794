package helper

import (
	"sync"
	"testing"
)

// bumpTwice increments the counter from two goroutines at once.
func bumpTwice(t *testing.T, c *Counter) {
	t.Helper()
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.Inc()
		}()
	}
	wg.Wait()
}

func TestCounter(t *testing.T) {
	bumpTwice(t, &Counter{})
}
