// Package p03 runs one background worker per tenant.
//
// BUG: Ensure checks for the tenant under RLock, releases it, then takes the
// write lock and inserts without re-checking. Two goroutines that both saw
// "absent" each start a worker; the second insert overwrites the first, whose
// goroutine is never stopped by StopAll (leaked goroutine processing jobs twice).
package p03

import "sync"

type worker struct {
	jobs chan string
	quit chan struct{}
}

func startWorker(tenant string, handle func(tenant, job string)) *worker {
	w := &worker{jobs: make(chan string, 16), quit: make(chan struct{})}
	go func() {
		for {
			select {
			case <-w.quit:
				return
			case j := <-w.jobs:
				handle(tenant, j)
			}
		}
	}()
	return w
}

// Workers is safe for concurrent use.
type Workers struct {
	mu      sync.RWMutex
	byID    map[string]*worker
	handler func(tenant, job string)
}

// NewWorkers returns an empty set of workers.
func NewWorkers(h func(tenant, job string)) *Workers {
	return &Workers{byID: make(map[string]*worker), handler: h}
}

// Ensure makes sure a worker runs for tenant.
func (ws *Workers) Ensure(tenant string) {
	ws.mu.RLock()
	_, ok := ws.byID[tenant]
	ws.mu.RUnlock()
	if ok {
		return
	}
	ws.mu.Lock()
	ws.byID[tenant] = startWorker(tenant, ws.handler)
	ws.mu.Unlock()
}

// StopAll stops every worker.
func (ws *Workers) StopAll() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for id, w := range ws.byID {
		close(w.quit)
		delete(ws.byID, id)
	}
}
