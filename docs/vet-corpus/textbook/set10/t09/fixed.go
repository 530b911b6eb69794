package t09

// Fix: the capacity check and the enqueue are the same operation - a select
// with a default case. The send either succeeds immediately or the default
// branch runs; there is no window in which another goroutine can take the
// slot that was observed free. The same select also refuses work after Stop
// instead of blocking forever.

import "net/http"

// TrySubmitFixed enqueues j, or returns ErrQueueFull without ever blocking.
func (p *Pool) TrySubmitFixed(j Job) error {
	select {
	case <-p.quit:
		return ErrQueueFull
	default:
	}
	select {
	case p.queue <- j:
		return nil
	default:
		p.rejected.Add(1)
		return ErrQueueFull
	}
}

// ServeHTTPFixed is ServeHTTP using TrySubmitFixed.
func (p *Pool) ServeHTTPFixed(w http.ResponseWriter, r *http.Request) {
	res := make(chan error, 1)
	j := Job{ID: r.URL.Query().Get("id"), Params: map[string]string{"size": r.URL.Query().Get("size")}, Result: res}
	if err := p.TrySubmitFixed(j); err != nil {
		w.Header().Set("Retry-After", "1")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	select {
	case err := <-res:
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusOK)
	case <-r.Context().Done():
	}
}
