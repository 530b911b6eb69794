// Fix: LazyFixed[T] re-checks under a mutex before calling init (double-checked
// locking on the atomic pointer), so init runs at most once successfully and
// every caller gets the same value; errors still are not cached.

package t06

import (
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
)

// LazyFixed holds a value built on first use. Init errors are not cached.
type LazyFixed[T any] struct {
	mu   sync.Mutex
	p    atomic.Pointer[T]
	init func() (*T, error)
}

// Get returns the value, building it if necessary.
func (l *LazyFixed[T]) Get() (*T, error) {
	if v := l.p.Load(); v != nil {
		return v, nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if v := l.p.Load(); v != nil {
		return v, nil
	}
	v, err := l.init()
	if err != nil {
		return nil, err
	}
	l.p.Store(v)
	return v, nil
}

// AdminServiceFixed serves destructive admin endpoints.
type AdminServiceFixed struct {
	audit  LazyFixed[auditLog]
	delete func(id string) error
}

// NewAdminServiceFixed wires the audit log at path and the document deleter.
func NewAdminServiceFixed(path string, deleteDoc func(string) error) *AdminServiceFixed {
	s := &AdminServiceFixed{delete: deleteDoc}
	s.audit.init = func() (*auditLog, error) { return openAuditLog(path) }
	return s
}

// DeleteHandler serves DELETE /admin/docs/{id}.
func (s *AdminServiceFixed) DeleteHandler(w http.ResponseWriter, r *http.Request) {
	id := strings.TrimPrefix(r.URL.Path, "/admin/docs/")
	audit, err := s.audit.Get()
	if err != nil {
		http.Error(w, "audit log unavailable", http.StatusServiceUnavailable)
		return
	}
	if err := audit.Record(r.Header.Get("X-Admin-User"), "delete "+id); err != nil {
		http.Error(w, "audit write failed", http.StatusInternalServerError)
		return
	}
	if err := s.delete(id); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Close flushes and closes the audit log if it was ever opened.
func (s *AdminServiceFixed) Close() error {
	if a := s.audit.p.Load(); a != nil {
		return a.Close()
	}
	return nil
}
