// Package t16 is a tiny lease/coordination service used for leader election
// by a fleet of replicas. Replicas call POST /leases/{name}/acquire with
// their ID every few seconds; the service grants the lease if it is free or
// expired, renews it if the caller already holds it, and otherwise answers
// 409. The lease table is a map of *lease records; each record guards its
// holder and expiry with its own mutex and exposes getters and a setter.
// net/http serves the replicas' requests concurrently.
//
// BUG (check-then-act on a time-based lease, via getters/setter) [hard]: the
// check is `l.Holder() == "" || now.After(l.ExpiresAt())` ("is the lease
// free or expired?"), the act is l.Grant(replica, now.Add(ttl)). Each getter
// and the setter lock l.mu, but not across the sequence. When a lease
// expires, every standby replica's next acquire arrives at about the same
// moment; several see it expired and all are granted it. Each receives
// 200 OK and believes it is the leader until its next renewal is refused:
// two leaders run leader-only work (scheduled jobs, migrations) at once.
package t16

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

type lease struct {
	mu      sync.Mutex
	holder  string
	expires time.Time
}

func (l *lease) Holder() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.holder
}

func (l *lease) ExpiresAt() time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.expires
}

func (l *lease) Grant(holder string, until time.Time) {
	l.mu.Lock()
	l.holder, l.expires = holder, until
	l.mu.Unlock()
}

// Service hands out named leases.
type Service struct {
	TTL time.Duration
	Now func() time.Time

	mu     sync.Mutex
	leases map[string]*lease
}

func (s *Service) lease(name string) *lease {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leases == nil {
		s.leases = make(map[string]*lease)
	}
	l, ok := s.leases[name]
	if !ok {
		l = &lease{}
		s.leases[name] = l
	}
	return l
}

type acquireResp struct {
	Holder  string    `json:"holder"`
	Expires time.Time `json:"expires"`
}

// ServeAcquire handles POST /leases/{name}/acquire?replica=ID.
func (s *Service) ServeAcquire(w http.ResponseWriter, r *http.Request) {
	replica := r.URL.Query().Get("replica")
	if replica == "" {
		http.Error(w, "missing replica", http.StatusBadRequest)
		return
	}
	l := s.lease(r.PathValue("name"))
	now := s.Now()

	switch holder := l.Holder(); {
	case holder == replica:
		// renewal by the current leader
	case holder == "" || now.After(l.ExpiresAt()):
		// free or expired: take over
	default:
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(acquireResp{Holder: holder, Expires: l.ExpiresAt()})
		return
	}
	l.Grant(replica, now.Add(s.TTL))
	_ = json.NewEncoder(w).Encode(acquireResp{Holder: replica, Expires: now.Add(s.TTL)})
}
