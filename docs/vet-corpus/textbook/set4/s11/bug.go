// Package s11 is the lease service that replicas use for leader election.
//
// BUG (read-locked switch, then write-locked update): Acquire copies holder
// and expiry under the read lock, decides with a switch that the lease is
// free or expired, and then takes the write lock to install the caller as
// holder. Each replica polls POST /lease/acquire from its own loop, and the
// HTTP server handles them on separate goroutines; when the lease expires,
// two replicas can both pass the switch and both get "granted". Both act as
// leader (split brain) and perform conflicting writes until the next renew.
package s11

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// Lease is safe for concurrent use.
type Lease struct {
	TTL time.Duration

	mu      sync.RWMutex
	holder  string
	expires time.Time
}

type grant struct {
	Granted bool      `json:"granted"`
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// Acquire grants or renews the lease for node.
func (l *Lease) Acquire(node string) grant {
	l.mu.RLock()
	holder, expires := l.holder, l.expires
	l.mu.RUnlock()

	now := time.Now()
	switch {
	case holder == node:
		// renewal by the current leader
	case holder == "", now.After(expires):
		// free or expired: take it over
	default:
		return grant{Granted: false, Holder: holder, Expires: expires}
	}

	l.mu.Lock()
	l.holder = node
	l.expires = now.Add(l.TTL)
	l.mu.Unlock()
	return grant{Granted: true, Holder: node, Expires: now.Add(l.TTL)}
}

// Holder is used by the status page.
func (l *Lease) Holder() (string, time.Time) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.holder, l.expires
}

func (l *Lease) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	node := r.FormValue("node")
	if node == "" {
		http.Error(w, "node required", http.StatusBadRequest)
		return
	}
	json.NewEncoder(w).Encode(l.Acquire(node))
}
