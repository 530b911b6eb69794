package lockedmaps

import "sync"

// A worker per tenant, made by a function that starts its goroutine,
// inserted after a miss under the read lock with no second look under the
// write lock: two goroutines that both miss start two workers, and the one
// replaced runs on with nothing left to stop it.
type tenantWorker struct {
	jobs chan string
	quit chan struct{}
}

func startTenantWorker() *tenantWorker {
	w := &tenantWorker{jobs: make(chan string), quit: make(chan struct{})}
	go func() {
		for {
			select {
			case <-w.quit:
				return
			case <-w.jobs:
			}
		}
	}()
	return w
}

type tenantWorkers struct {
	mu   sync.RWMutex
	byID map[string]*tenantWorker
}

func (ws *tenantWorkers) ensure(tenant string) {
	ws.mu.RLock()
	_, ok := ws.byID[tenant]
	ws.mu.RUnlock()
	if ok {
		return
	}
	ws.mu.Lock()
	ws.byID[tenant] = startTenantWorker() // want `ws.byID\[tenant\] = … after ws.byID\[tenant\] on line 35 runs only when the check found no entry, but is not atomic with it: another goroutine can store tenant in between, and this assignment replaces that value`
	ws.mu.Unlock()
}

// The fix: a second look under the write lock.
func (ws *tenantWorkers) ensureFixed(tenant string) {
	ws.mu.Lock()
	defer ws.mu.Unlock()
	if _, ok := ws.byID[tenant]; ok {
		return
	}
	ws.byID[tenant] = startTenantWorker()
}

// Near-miss: a value that starts nothing (a memo of the key) is left to
// -plainmaps.
type tenantNames struct {
	mu    sync.RWMutex
	names map[string]string
}

func label(tenant string) string { return "tenant-" + tenant }

func (t *tenantNames) name(tenant string) string {
	t.mu.RLock()
	n, ok := t.names[tenant]
	t.mu.RUnlock()
	if ok {
		return n
	}
	n = label(tenant)
	t.mu.Lock()
	t.names[tenant] = n
	t.mu.Unlock()
	return n
}

// The same with the worker kept in the local the check assigned first, and
// started in a later assignment of it.
func (ws *tenantWorkers) get(tenant string) *tenantWorker {
	ws.mu.RLock()
	w, ok := ws.byID[tenant]
	ws.mu.RUnlock()
	if ok {
		return w
	}
	w = startTenantWorker()
	ws.mu.Lock()
	ws.byID[tenant] = w // want `ws.byID\[tenant\] = … after ws.byID\[tenant\] on line \d+ runs only when the check found no entry`
	ws.mu.Unlock()
	return w
}

// Near-miss: the local last assigned a worker that was already running,
// handed in, before the insert.
func (ws *tenantWorkers) adopt(tenant string, running *tenantWorker) *tenantWorker {
	ws.mu.RLock()
	w, ok := ws.byID[tenant]
	ws.mu.RUnlock()
	if ok {
		return w
	}
	w = startTenantWorker()
	w = running
	ws.mu.Lock()
	ws.byID[tenant] = w
	ws.mu.Unlock()
	return w
}
