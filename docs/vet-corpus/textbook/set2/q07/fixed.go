package q07

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

var ErrInvalidFixed = errors.New("session invalid")

// StoreFixed is shared by all HTTP handlers.
type StoreFixed struct {
	mu       sync.Mutex
	sessions map[string]Session
	ttl      time.Duration
}

func NewStoreFixed(ttl time.Duration) *StoreFixed {
	return &StoreFixed{sessions: make(map[string]Session), ttl: ttl}
}

// TouchFixed validates and extends the session in one critical section and
// only writes the expiry field.
func (st *StoreFixed) TouchFixed(id string) error {
	now := time.Now()
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok || !s.valid(now) {
		return ErrInvalidFixed
	}
	s.ExpiresAt = now.Add(st.ttl)
	st.sessions[id] = s
	return nil
}

func (st *StoreFixed) RevokeFixed(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.sessions[id]; ok {
		s.Revoked = true
		st.sessions[id] = s
	}
}

func (st *StoreFixed) AuthenticateFixed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil || st.TouchFixed(c.Value) != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (st *StoreFixed) LogoutHandlerFixed(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie("sid"); err == nil {
		st.RevokeFixed(c.Value)
	}
	w.WriteHeader(http.StatusNoContent)
}
