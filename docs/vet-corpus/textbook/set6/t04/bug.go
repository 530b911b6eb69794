// Package t04 enforces per-tenant storage quotas in a file-upload service.
// Uploads arrive as concurrent HTTP requests (one net/http handler goroutine
// each); every upload reserves its size against the tenant's quota before the
// body is streamed to disk.
//
// BUG (Quota.Reserve: check = q.used.Load()+n > q.limit -> act =
// q.used.Add(n)): the bound is tested on one atomic load and the reservation is
// made by a separate atomic add. Concurrent uploads all read the same "used"
// value, all pass the check, and all add, pushing used past limit.
//
// Harm: tenants store more than they pay for; a burst of parallel uploads from
// one tenant can fill the shared volume and make uploads fail for everybody.
package t04

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// ErrQuotaExceeded is returned when a reservation would exceed the quota.
var ErrQuotaExceeded = errors.New("storage quota exceeded")

// Quota tracks bytes in use for one tenant.
type Quota struct {
	limit int64
	used  atomic.Int64
}

// Reserve claims n bytes of the tenant's quota.
func (q *Quota) Reserve(n int64) error {
	if q.used.Load()+n > q.limit {
		return ErrQuotaExceeded
	}
	q.used.Add(n)
	return nil
}

// Release returns n bytes, e.g. after a failed upload or a delete.
func (q *Quota) Release(n int64) { q.used.Add(-n) }

// UploadServer stores uploaded files under root/<tenant>/.
type UploadServer struct {
	root   string
	mu     sync.Mutex
	quotas map[string]*Quota
	limit  int64
}

// NewUploadServer returns a server giving every tenant limit bytes.
func NewUploadServer(root string, limit int64) *UploadServer {
	return &UploadServer{root: root, quotas: make(map[string]*Quota), limit: limit}
}

func (s *UploadServer) quotaFor(tenant string) *Quota {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.quotas[tenant]
	if !ok {
		q = &Quota{limit: s.limit}
		s.quotas[tenant] = q
	}
	return q
}

// ServeHTTP handles PUT /upload/<name> with X-Tenant and Content-Length set.
func (s *UploadServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenant := r.Header.Get("X-Tenant")
	name := filepath.Base(r.URL.Path)
	if tenant == "" || r.ContentLength <= 0 || name == "." || name == "/" {
		http.Error(w, "tenant, name and Content-Length are required", http.StatusBadRequest)
		return
	}
	q := s.quotaFor(tenant)
	if err := q.Reserve(r.ContentLength); err != nil {
		http.Error(w, err.Error(), http.StatusInsufficientStorage)
		return
	}
	if err := s.store(tenant, name, r.Body, r.ContentLength); err != nil {
		q.Release(r.ContentLength)
		http.Error(w, "upload failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *UploadServer) store(tenant, name string, body io.Reader, size int64) error {
	dir := filepath.Join(s.root, filepath.Base(tenant))
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // no-op after a successful rename
	n, err := io.Copy(f, io.LimitReader(body, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && n != size {
		err = fmt.Errorf("short body: got %d of %d bytes", n, size)
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), filepath.Join(dir, name))
}
