package s11

import (
	"encoding/json"
	"net/http"
	"time"
)

// LeaseFixed wraps Lease but decides and installs under one write lock.
type LeaseFixed struct {
	Lease
}

func (l *LeaseFixed) Acquire(node string) grant {
	l.mu.Lock()
	defer l.mu.Unlock()

	now := time.Now()
	switch {
	case l.holder == node, l.holder == "", now.After(l.expires):
		l.holder = node
		l.expires = now.Add(l.TTL)
		return grant{Granted: true, Holder: node, Expires: l.expires}
	default:
		return grant{Granted: false, Holder: l.holder, Expires: l.expires}
	}
}

func (l *LeaseFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	node := r.FormValue("node")
	if node == "" {
		http.Error(w, "node required", http.StatusBadRequest)
		return
	}
	json.NewEncoder(w).Encode(l.Acquire(node))
}
