package readlockwrite

import (
	"sync"
	"testing"
)

// TestReceived reads and drops what a mock received after the code under
// test returned: nothing else runs, so the read lock is only untidy.
func TestReceived(t *testing.T) {
	u := &users{tokens: map[string]string{}}
	check := func() {
		u.mu.RLock()
		defer u.mu.RUnlock()
		delete(u.tokens, "a")
	}
	check()
}

// TestConcurrentLogin starts goroutines, so its writes are checked.
func TestConcurrentLogin(t *testing.T) {
	u := &users{tokens: map[string]string{}}
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			u.mu.RLock()
			u.tokens["a"] = "b" // want `u.tokens is written while only u.mu's read lock`
			u.mu.RUnlock()
		}()
	}
	wg.Wait()
}
