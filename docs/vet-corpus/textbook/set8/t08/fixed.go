package t08

// FIX: the stopping check and wg.Add(1) are done under a mutex, and
// Shutdown sets stopping under the same mutex before calling Wait. Hence
// every Add either happens before Shutdown flips the flag (and Wait waits
// for it) or observes the flag and is refused; Add can never race with or
// follow Wait.

import (
	"context"
	"log"
	"sync"
	"time"
)

// RunnerFixed runs fire-and-forget tasks and waits for them on shutdown.
type RunnerFixed struct {
	mu       sync.Mutex
	stopping bool
	wg       sync.WaitGroup
	dropped  int64
}

// GoFixed schedules fn unless the runner is shutting down.
func (r *RunnerFixed) GoFixed(name string, fn func(ctx context.Context) error) bool {
	r.mu.Lock()
	if r.stopping {
		r.dropped++
		r.mu.Unlock()
		return false
	}
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := fn(ctx); err != nil {
			log.Printf("task %s: %v", name, err)
		}
	}()
	return true
}

// ShutdownFixed stops accepting tasks and waits for running ones.
func (r *RunnerFixed) ShutdownFixed() {
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	r.wg.Wait()
}
