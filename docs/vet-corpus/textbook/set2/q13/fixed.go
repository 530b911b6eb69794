package q13

import (
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

// CoordinatorFixed serves concurrent lease requests.
type CoordinatorFixed struct {
	lease atomic.Value // *Lease
	ttl   time.Duration
}

func NewCoordinatorFixed(ttl time.Duration) *CoordinatorFixed {
	c := &CoordinatorFixed{ttl: ttl}
	c.lease.Store(&Lease{})
	return c
}

// TryAcquireFixed installs the new lease only if the lease it checked is
// still the current one.
func (c *CoordinatorFixed) TryAcquireFixed(node string) (*Lease, bool) {
	for {
		now := time.Now()
		cur := c.lease.Load().(*Lease)
		if cur.heldByOther(node, now) {
			return cur, false
		}
		next := &Lease{Holder: node, Expires: now.Add(c.ttl)}
		if c.lease.CompareAndSwap(cur, next) {
			return next, true
		}
	}
}

func (c *CoordinatorFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l, ok := c.TryAcquireFixed(r.FormValue("node"))
	if !ok {
		w.WriteHeader(http.StatusConflict)
	}
	json.NewEncoder(w).Encode(l)
}
