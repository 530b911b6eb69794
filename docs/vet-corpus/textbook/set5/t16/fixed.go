package t16

import (
	"encoding/json"
	"net/http"
	"time"
)

// tryAcquire decides and grants under one hold of l.mu.
func (l *lease) tryAcquire(replica string, now time.Time, ttl time.Duration) (holder string, expires time.Time, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.holder != "" && l.holder != replica && !now.After(l.expires) {
		return l.holder, l.expires, false
	}
	l.holder, l.expires = replica, now.Add(ttl)
	return l.holder, l.expires, true
}

// ServeAcquireFixed handles POST /leases/{name}/acquire?replica=ID.
func (s *Service) ServeAcquireFixed(w http.ResponseWriter, r *http.Request) {
	replica := r.URL.Query().Get("replica")
	if replica == "" {
		http.Error(w, "missing replica", http.StatusBadRequest)
		return
	}
	l := s.lease(r.PathValue("name"))
	holder, exp, ok := l.tryAcquire(replica, s.Now(), s.TTL)
	if !ok {
		w.WriteHeader(http.StatusConflict)
	}
	_ = json.NewEncoder(w).Encode(acquireResp{Holder: holder, Expires: exp})
}
