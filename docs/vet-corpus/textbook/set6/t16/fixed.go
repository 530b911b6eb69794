// Fix: the table gets an atomic acquire operation (LeaseTableFixed.Acquire)
// that checks the current holder and installs the new lease under one lock
// hold; the arbiter binds that single method instead of separate get/set.

package t16

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// LeaseTableFixed stores leases by name.
type LeaseTableFixed struct {
	mu     sync.Mutex
	leases map[string]Lease
}

// NewLeaseTableFixed returns an empty table.
func NewLeaseTableFixed() *LeaseTableFixed {
	return &LeaseTableFixed{leases: make(map[string]Lease)}
}

// Acquire grants or renews name for node at time now, unless another node
// holds an unexpired lease. It returns the lease in force and whether node holds it.
func (t *LeaseTableFixed) Acquire(name, node string, now time.Time, ttl time.Duration) (Lease, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if cur, ok := t.leases[name]; ok && cur.Holder != node && now.Before(cur.Expires) {
		return cur, false
	}
	l := Lease{Holder: node, Expires: now.Add(ttl)}
	t.leases[name] = l
	return l, true
}

// ArbiterFixed grants and renews leases.
type ArbiterFixed struct {
	acquire func(name, node string, now time.Time, ttl time.Duration) (Lease, bool)
	now     func() time.Time
	ttl     time.Duration
}

// NewArbiterFixed returns an arbiter over table granting leases for ttl.
func NewArbiterFixed(table *LeaseTableFixed, ttl time.Duration) *ArbiterFixed {
	return &ArbiterFixed{acquire: table.Acquire, now: time.Now, ttl: ttl}
}

// TryAcquireFixed grants or renews name for node.
func (a *ArbiterFixed) TryAcquireFixed(name, node string) (Lease, bool) {
	return a.acquire(name, node, a.now(), a.ttl)
}

// ServeHTTP handles POST /lease/{name}?node=X.
func (a *ArbiterFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/lease/")
	node := r.URL.Query().Get("node")
	if r.Method != http.MethodPost || name == "" || node == "" {
		http.Error(w, "POST /lease/{name}?node=X", http.StatusBadRequest)
		return
	}
	l, granted := a.TryAcquireFixed(name, node)
	w.Header().Set("Content-Type", "application/json")
	if !granted {
		w.WriteHeader(http.StatusConflict)
	}
	_ = json.NewEncoder(w).Encode(l)
}
