// Package t06 is the admin API of a document service. Destructive admin calls
// (DELETE /admin/docs/{id}) are recorded in an append-only audit log that is
// opened lazily on first use through a small generic Lazy[T] helper, because
// most replicas never serve an admin request. Handlers run concurrently on
// net/http goroutines.
//
// BUG [hard] (Lazy[T].Get: check = l.p.Load() == nil -> act = l.p.Store(v)
// after calling l.init()): the check-then-act hides inside a generic helper;
// the racing callers are in DeleteHandler. Two first admin requests both see
// nil, both open the audit file with their own buffered writer, and the second
// Store overwrites the first. The overwritten *auditLog is never flushed or
// closed.
//
// Harm: audit records written through the losing writer sit in a bufio buffer
// that is never flushed, so deletions are silently missing from the audit
// trail (a compliance failure), and a file descriptor leaks.
package t06

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Lazy holds a value built on first use. Init errors are not cached, so a
// transient failure is retried by the next caller.
type Lazy[T any] struct {
	p    atomic.Pointer[T]
	init func() (*T, error)
}

// Get returns the value, building it if necessary.
func (l *Lazy[T]) Get() (*T, error) {
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

type auditLog struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

func openAuditLog(path string) (*auditLog, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open audit log: %w", err)
	}
	return &auditLog{f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

func (a *auditLog) Record(actor, action string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := fmt.Fprintf(a.w, "%s\t%s\t%s\n", time.Now().UTC().Format(time.RFC3339Nano), actor, action)
	return err
}

func (a *auditLog) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.w.Flush(); err != nil {
		a.f.Close()
		return err
	}
	return a.f.Close()
}

// AdminService serves destructive admin endpoints.
type AdminService struct {
	audit  Lazy[auditLog]
	delete func(id string) error
}

// NewAdminService wires the audit log at path and the document deleter.
func NewAdminService(path string, deleteDoc func(string) error) *AdminService {
	s := &AdminService{delete: deleteDoc}
	s.audit.init = func() (*auditLog, error) { return openAuditLog(path) }
	return s
}

// DeleteHandler serves DELETE /admin/docs/{id}.
func (s *AdminService) DeleteHandler(w http.ResponseWriter, r *http.Request) {
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
func (s *AdminService) Close() error {
	if a := s.audit.p.Load(); a != nil {
		return a.Close()
	}
	return nil
}
