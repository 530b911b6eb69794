// Package t16 [hard] implements the lease service that assigns partitions
// of an event stream to consumer processes. A consumer may process a
// partition only while it holds that partition's lease; it renews the lease
// by calling acquire again before the TTL runs out.
//
// The lease table embeds a generic, mutex-protected key/value store
// (*kv[Lease]); its promoted methods get/put are each individually locked,
// which makes LeaseTable look thread-safe.
//
// Concurrency: each consumer process polls POST /acquire; the handler runs
// on a per-request goroutine, so after a lease expires (or on rebalance,
// when many consumers start at once) several Acquire calls for the same
// partition run concurrently.
//
// BUG: Acquire calls the promoted get (CHECK: no lease, expired lease, or
// our own lease) and then the promoted put (ACT: write our lease). The two
// calls take the embedded lock separately, so two consumers can both see
// the expired lease and both put; both receive "granted".
//
// HARM: two consumers process the same partition concurrently (split
// brain). For the ledger partition this applies every transfer event twice,
// doubling balances; the last put wins, so the "loser" keeps processing
// until its next renewal without ever being told it lost.
package t16

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type kv[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (s *kv[V]) get(k string) (V, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.m[k]
	return v, ok
}

func (s *kv[V]) put(k string, v V) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]V)
	}
	s.m[k] = v
}

// Lease grants Owner exclusive use of a partition until Expires.
type Lease struct {
	Owner   string    `json:"owner"`
	Expires time.Time `json:"expires"`
}

// LeaseTable is the lease service's state.
type LeaseTable struct {
	*kv[Lease]
	TTL time.Duration
	now func() time.Time
}

func NewLeaseTable(ttl time.Duration) *LeaseTable {
	return &LeaseTable{kv: &kv[Lease]{}, TTL: ttl, now: time.Now}
}

func (t *LeaseTable) free(l Lease, ok bool, owner string) bool {
	return !ok || l.Owner == owner || t.now().After(l.Expires)
}

// Acquire grants or renews the lease on partition for owner.
func (t *LeaseTable) Acquire(partition, owner string) (Lease, bool) {
	cur, ok := t.get(partition) // CHECK (embedded lock, released on return)
	if !t.free(cur, ok, owner) {
		return cur, false
	}
	l := Lease{Owner: owner, Expires: t.now().Add(t.TTL)}
	t.put(partition, l) // ACT (embedded lock, taken again)
	return l, true
}

type acquireReq struct {
	Partition string `json:"partition"`
	Owner     string `json:"owner"`
}

// ServeHTTP handles POST /acquire from consumer processes.
func (t *LeaseTable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req acquireReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Partition == "" || req.Owner == "" {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	l, ok := t.Acquire(req.Partition, req.Owner)
	if !ok {
		w.WriteHeader(http.StatusConflict)
	}
	_ = json.NewEncoder(w).Encode(l)
}
