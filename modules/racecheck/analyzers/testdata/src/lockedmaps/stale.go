package lockedmaps

import (
	"sync"
	"time"
)

// ansible/receptor pkg/netceptor/netceptor.go at a5995c55^ (fixed in
// a5995c55, ansible/receptor#193): a routing update reads the node's info
// under the lock, releases it, decides by the epoch and sequence it read,
// and stores its own info under the lock taken again. The second read
// there only asks whether the node is known, to name it once; it does not
// decide the store, so an older update can overwrite a newer one.
type nodeInfo struct{ epoch, sequence uint64 }

type routes struct {
	mu    sync.Mutex
	known map[string]*nodeInfo
	names map[string]bool
}

func (r *routes) update(node string, epoch, sequence uint64) {
	r.mu.Lock()
	ni, ok := r.known[node]
	r.mu.Unlock()
	if ok && (epoch < ni.epoch || epoch == ni.epoch && sequence <= ni.sequence) {
		return
	}
	ni = &nodeInfo{epoch: epoch, sequence: sequence}
	r.mu.Lock()
	if _, ok := r.known[node]; !ok {
		r.names[node] = true
	}
	r.known[node] = ni // want `r.known\[node\] = … after r.known\[node\] on line 24`
	r.mu.Unlock()
}

// The fix: one critical section from the read to the store.
func (r *routes) updateFixed(node string, epoch, sequence uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ni, ok := r.known[node]
	if ok && (epoch < ni.epoch || epoch == ni.epoch && sequence <= ni.sequence) {
		return
	}
	if !ok {
		r.names[node] = true
	}
	r.known[node] = &nodeInfo{epoch: epoch, sequence: sequence}
}

// Near-miss: the second read decides the store (it returns when another
// update got there first), so the store is a second look's.
func (r *routes) updateRechecked(node string, epoch, sequence uint64) {
	r.mu.Lock()
	ni, ok := r.known[node]
	r.mu.Unlock()
	if ok && (epoch < ni.epoch || epoch == ni.epoch && sequence <= ni.sequence) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur, ok := r.known[node]; ok && cur != ni {
		return
	}
	r.known[node] = &nodeInfo{epoch: epoch, sequence: sequence}
}

// Near-miss (micro/go-micro registry/consul/consul.go at 77fc793d5bab, Register): the
// last check's time decides whether to register again, and the write
// stores the time now; nothing compares the loaded time with what is
// stored, so a second register in between only registers once more.
type registrar struct {
	mu          sync.Mutex
	lastChecked map[string]time.Time
}

func (r *registrar) register(name string, ttl time.Duration) bool {
	r.mu.Lock()
	last := r.lastChecked[name]
	r.mu.Unlock()
	if time.Since(last) <= ttl {
		return false
	}
	r.mu.Lock()
	r.lastChecked[name] = time.Now()
	r.mu.Unlock()
	return true
}
