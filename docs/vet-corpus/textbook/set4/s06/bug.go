// Package s06 enforces per-tenant storage quotas for an upload API.
//
// BUG (bool-returning CanAllocate, then Allocate): handleUpload asks
// CanAllocate whether the tenant has room and, if so, calls Allocate. Each
// method locks the quota table, but another upload handler goroutine for the
// same tenant can allocate in between. A tenant that fires many parallel
// uploads near its limit gets all of them accepted and ends up far above its
// paid quota, which the storage backend and billing assume can never happen.
package s06

import (
	"io"
	"net/http"
	"sync"
)

// Quotas tracks bytes used per tenant. Safe for concurrent use.
type Quotas struct {
	mu    sync.Mutex
	used  map[string]int64
	limit map[string]int64
}

func NewQuotas(limits map[string]int64) *Quotas {
	return &Quotas{used: map[string]int64{}, limit: limits}
}

// CanAllocate reports whether tenant has room for n more bytes.
func (q *Quotas) CanAllocate(tenant string, n int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.used[tenant]+n <= q.limit[tenant]
}

// Allocate charges n bytes to tenant.
func (q *Quotas) Allocate(tenant string, n int64) {
	q.mu.Lock()
	q.used[tenant] += n
	q.mu.Unlock()
}

// Release returns n bytes to tenant.
func (q *Quotas) Release(tenant string, n int64) {
	q.mu.Lock()
	q.used[tenant] -= n
	q.mu.Unlock()
}

type Server struct {
	quotas *Quotas
	save   func(tenant, name string, body io.Reader) error
}

// handleUpload serves PUT /files/{name}.
func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	tenant := r.Header.Get("X-Tenant")
	size := r.ContentLength
	if tenant == "" || size < 0 {
		http.Error(w, "tenant and Content-Length required", http.StatusBadRequest)
		return
	}
	if !s.quotas.CanAllocate(tenant, size) {
		http.Error(w, "quota exceeded", http.StatusRequestEntityTooLarge)
		return
	}
	s.quotas.Allocate(tenant, size)

	body := http.MaxBytesReader(w, r.Body, size)
	if err := s.save(tenant, r.PathValue("name"), body); err != nil {
		s.quotas.Release(tenant, size)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) Routes(mux *http.ServeMux) {
	mux.HandleFunc("PUT /files/{name}", s.handleUpload)
}
