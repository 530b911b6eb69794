package s06

import "net/http"

// TryAllocate checks and charges in one critical section.
func (q *Quotas) TryAllocate(tenant string, n int64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.used[tenant]+n > q.limit[tenant] {
		return false
	}
	q.used[tenant] += n
	return true
}

func (s *Server) handleUploadFixed(w http.ResponseWriter, r *http.Request) {
	tenant := r.Header.Get("X-Tenant")
	size := r.ContentLength
	if tenant == "" || size < 0 {
		http.Error(w, "tenant and Content-Length required", http.StatusBadRequest)
		return
	}
	if !s.quotas.TryAllocate(tenant, size) {
		http.Error(w, "quota exceeded", http.StatusRequestEntityTooLarge)
		return
	}
	body := http.MaxBytesReader(w, r.Body, size)
	if err := s.save(tenant, r.PathValue("name"), body); err != nil {
		s.quotas.Release(tenant, size)
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (s *Server) RoutesFixed(mux *http.ServeMux) {
	mux.HandleFunc("PUT /files/{name}", s.handleUploadFixed)
}
