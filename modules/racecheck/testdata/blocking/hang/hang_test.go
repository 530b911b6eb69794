// Package hang has a test that waits for goroutines blocked on a mutex its
// own goroutine holds.
package hang

import (
	"sync"
	"testing"
)

func TestWaitsForever(t *testing.T) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	mu.Lock()
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mu.Lock()
			defer mu.Unlock()
		}()
	}
	wg.Wait()
	mu.Unlock()
}

func TestAfter(t *testing.T) {}
