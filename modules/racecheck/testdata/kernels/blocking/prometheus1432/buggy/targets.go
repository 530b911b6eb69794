// Package prometheus1432 reconstructs a deadlock in Prometheus' target
// manager: a method holding the read lock called a helper that took the read
// lock again; when a writer called Lock between the two RLock calls, the
// second RLock waited for the writer and the writer waited for the first
// reader.
//
//   - Project: prometheus/prometheus (retrieval/targetmanager.go)
//   - Bug report and fix: https://github.com/prometheus/prometheus/pull/1432
//     (the inner read lock is dropped; the caller already holds it)
//   - Shape: recursive RWMutex read locking with a concurrent writer.
//   - Manifests as: a deadlock of the reader and the writer and a hang of the
//     test, on the runs where the writer arrives between the two RLock calls.
package prometheus1432

import "sync"

// TargetManager keeps the scrape targets of every job.
type TargetManager struct {
	mu      sync.RWMutex
	targets map[string][]string
}

// NewTargetManager returns a manager with the given targets.
func NewTargetManager(targets map[string][]string) *TargetManager {
	return &TargetManager{targets: targets}
}

// Pools returns the number of targets of every job.
func (tm *TargetManager) Pools() map[string]int {
	tm.mu.RLock()
	defer tm.mu.RUnlock()
	pools := make(map[string]int, len(tm.targets))
	for job := range tm.targets {
		pools[job] = len(tm.targetsOf(job))
	}
	return pools
}

func (tm *TargetManager) targetsOf(job string) []string {
	tm.mu.RLock()
	defer tm.mu.RUnlock()
	return tm.targets[job]
}

// ApplyConfig replaces the targets of job.
func (tm *TargetManager) ApplyConfig(job string, targets []string) {
	tm.mu.Lock()
	defer tm.mu.Unlock()
	tm.targets[job] = targets
}
