package p03

import "sync"

// WorkersFixed is safe for concurrent use.
type WorkersFixed struct {
	mu      sync.RWMutex
	byID    map[string]*worker
	handler func(tenant, job string)
}

// NewWorkersFixed returns an empty set of workers.
func NewWorkersFixed(h func(tenant, job string)) *WorkersFixed {
	return &WorkersFixed{byID: make(map[string]*worker), handler: h}
}

// EnsureFixed makes sure exactly one worker runs for tenant: it re-checks
// under the write lock.
func (ws *WorkersFixed) EnsureFixed(tenant string) {
	ws.mu.RLock()
	_, ok := ws.byID[tenant]
	ws.mu.RUnlock()
	if ok {
		return
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, ok := ws.byID[tenant]; ok {
		return
	}
	ws.byID[tenant] = startWorker(tenant, ws.handler)
}

// StopAllFixed stops every worker.
func (ws *WorkersFixed) StopAllFixed() {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	for id, w := range ws.byID {
		close(w.quit)
		delete(ws.byID, id)
	}
}
