// Package t16 is the lease arbiter of an internal coordination service. Nodes
// of a cluster call POST /lease/{name}?node=X every few seconds to acquire or
// renew a named lease (e.g. "scheduler-leader"); whoever holds an unexpired
// lease acts as leader. Requests from different nodes are served concurrently
// on net/http handler goroutines.
//
// BUG [hard] (Arbiter.TryAcquire: check = a.current(name) shows no live lease
// held by another node -> act = a.set(name, Lease{Holder: node, ...})):
// current and set are method values bound to LeaseTable.Current and
// LeaseTable.Set when the arbiter is built; each locks the table on its own,
// so the check and the grant are two critical sections. When a lease expires,
// two nodes polling at the same moment both see it expired and both are told
// they won; the second Set silently replaces the first.
//
// Harm: split brain. Both nodes run as leader until the next renewal, so
// scheduled jobs run twice (double billing runs, duplicate e-mails) and the
// two leaders make conflicting writes.
package t16

import (
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Lease is the current holder of a named lease.
type Lease struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// LeaseTable stores leases by name.
type LeaseTable struct {
	mu     sync.Mutex
	leases map[string]Lease
}

// NewLeaseTable returns an empty table.
func NewLeaseTable() *LeaseTable { return &LeaseTable{leases: make(map[string]Lease)} }

// Current returns the lease called name, if any.
func (t *LeaseTable) Current(name string) (Lease, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	l, ok := t.leases[name]
	return l, ok
}

// Set records l as the lease called name.
func (t *LeaseTable) Set(name string, l Lease) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.leases[name] = l
}

// Arbiter grants and renews leases.
type Arbiter struct {
	current func(name string) (Lease, bool)
	set     func(name string, l Lease)
	now     func() time.Time
	ttl     time.Duration
}

// NewArbiter returns an arbiter over table granting leases for ttl.
func NewArbiter(table *LeaseTable, ttl time.Duration) *Arbiter {
	return &Arbiter{current: table.Current, set: table.Set, now: time.Now, ttl: ttl}
}

// TryAcquire grants or renews name for node. It returns the lease now in
// force and whether node holds it.
func (a *Arbiter) TryAcquire(name, node string) (Lease, bool) {
	now := a.now()
	if cur, ok := a.current(name); ok && cur.Holder != node && now.Before(cur.Expires) {
		return cur, false
	}
	l := Lease{Holder: node, Expires: now.Add(a.ttl)}
	a.set(name, l)
	return l, true
}

// ServeHTTP handles POST /lease/{name}?node=X.
func (a *Arbiter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimPrefix(r.URL.Path, "/lease/")
	node := r.URL.Query().Get("node")
	if r.Method != http.MethodPost || name == "" || node == "" {
		http.Error(w, "POST /lease/{name}?node=X", http.StatusBadRequest)
		return
	}
	l, granted := a.TryAcquire(name, node)
	w.Header().Set("Content-Type", "application/json")
	if !granted {
		w.WriteHeader(http.StatusConflict)
	}
	_ = json.NewEncoder(w).Encode(l)
}
