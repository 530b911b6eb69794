package r18

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// StoreFixed evicts in a single write-locked pass that checks and deletes
// together; Touch can no longer interleave between the two.
type StoreFixed struct {
	ttl time.Duration

	mu       sync.RWMutex
	sessions map[string]Session
}

func NewStoreFixed(ttl time.Duration) *StoreFixed {
	return &StoreFixed{ttl: ttl, sessions: make(map[string]Session)}
}

func (st *StoreFixed) Touch(id string, now time.Time) bool {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.sessions[id]
	if !ok {
		return false
	}
	s.LastSeen = now
	st.sessions[id] = s
	return true
}

func (st *StoreFixed) Delete(id string) {
	st.mu.Lock()
	delete(st.sessions, id)
	st.mu.Unlock()
}

func (st *StoreFixed) evictExpired(now time.Time) int {
	st.mu.Lock()
	defer st.mu.Unlock()
	n := 0
	for id, s := range st.sessions {
		if s.expired(now, st.ttl) {
			delete(st.sessions, id)
			n++
		}
	}
	return n
}

func (st *StoreFixed) Janitor(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			st.evictExpired(now)
		}
	}
}

func (st *StoreFixed) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("sid")
		if err != nil || !st.Touch(c.Value, time.Now()) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}
