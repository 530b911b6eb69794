// Package q13 is the lease endpoint of a small coordinator: worker nodes call
// /lease to become (or stay) the leader that runs the nightly settlement job.
//
// BUG: TryAcquire loads the current lease, checks it is expired (or ours) and
// then stores a new lease. Two nodes whose requests arrive together after the
// old lease expired both pass the check and both get "granted": two leaders
// run settlement concurrently and pay out twice.
package q13

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

type Lease struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

func (l *Lease) heldByOther(node string, now time.Time) bool {
	return l.Holder != "" && l.Holder != node && now.Before(l.Expires)
}

// Coordinator serves concurrent lease requests.
type Coordinator struct {
	lease atomic.Value // *Lease
	ttl   time.Duration
}

func NewCoordinator(ttl time.Duration) *Coordinator {
	c := &Coordinator{ttl: ttl}
	c.lease.Store(&Lease{})
	return c
}

func (c *Coordinator) current() *Lease { return c.lease.Load().(*Lease) }

// TryAcquire grants or renews the lease for node.
func (c *Coordinator) TryAcquire(node string) (*Lease, bool) {
	now := time.Now()
	cur := c.current()
	if cur.heldByOther(node, now) {
		return cur, false
	}
	next := &Lease{Holder: node, Expires: now.Add(c.ttl)}
	c.lease.Store(next)
	return next, true
}

func (c *Coordinator) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l, ok := c.TryAcquire(r.FormValue("node"))
	if !ok {
		w.WriteHeader(http.StatusConflict)
	}
	json.NewEncoder(w).Encode(l)
}
