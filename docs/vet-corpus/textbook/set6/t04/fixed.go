// Fix: ReserveFixed is a CompareAndSwap loop, so the bound is checked against
// exactly the value that the reservation replaces; a concurrent reservation
// makes the CAS fail and the check is redone on the new value.

package t04

import (
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// QuotaFixed tracks bytes in use for one tenant.
type QuotaFixed struct {
	limit int64
	used  atomic.Int64
}

// ReserveFixed claims n bytes of the tenant's quota.
func (q *QuotaFixed) ReserveFixed(n int64) error {
	for {
		cur := q.used.Load()
		if cur+n > q.limit {
			return ErrQuotaExceeded
		}
		if q.used.CompareAndSwap(cur, cur+n) {
			return nil
		}
	}
}

// Release returns n bytes, e.g. after a failed upload or a delete.
func (q *QuotaFixed) Release(n int64) { q.used.Add(-n) }

// UploadServerFixed stores uploaded files under root/<tenant>/.
type UploadServerFixed struct {
	files  *UploadServer // reused only for its store method
	mu     sync.Mutex
	quotas map[string]*QuotaFixed
	limit  int64
}

// NewUploadServerFixed returns a server giving every tenant limit bytes.
func NewUploadServerFixed(root string, limit int64) *UploadServerFixed {
	return &UploadServerFixed{
		files:  &UploadServer{root: root},
		quotas: make(map[string]*QuotaFixed),
		limit:  limit,
	}
}

func (s *UploadServerFixed) quotaFor(tenant string) *QuotaFixed {
	s.mu.Lock()
	defer s.mu.Unlock()
	q, ok := s.quotas[tenant]
	if !ok {
		q = &QuotaFixed{limit: s.limit}
		s.quotas[tenant] = q
	}
	return q
}

// ServeHTTP handles PUT /upload/<name> with X-Tenant and Content-Length set.
func (s *UploadServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	tenant := r.Header.Get("X-Tenant")
	name := filepath.Base(r.URL.Path)
	if tenant == "" || r.ContentLength <= 0 || name == "." || name == "/" {
		http.Error(w, "tenant, name and Content-Length are required", http.StatusBadRequest)
		return
	}
	q := s.quotaFor(tenant)
	if err := q.ReserveFixed(r.ContentLength); err != nil {
		http.Error(w, err.Error(), http.StatusInsufficientStorage)
		return
	}
	if err := s.files.store(tenant, name, r.Body, r.ContentLength); err != nil {
		q.Release(r.ContentLength)
		http.Error(w, "upload failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}
