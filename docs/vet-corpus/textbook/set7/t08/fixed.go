// Fix: the capacity test and the enqueue are one operation, a select with a
// default branch, which either enqueues without blocking or sheds the request.

package t08

import (
	"io"
	"net/http"
)

// ServerFixed is Server with non-blocking admission.
type ServerFixed struct{ *Server }

func (s ServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	src, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	t := task{src: src, result: make(chan []byte, 1), err: make(chan error, 1)}
	select {
	case s.backlog <- t:
	default:
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}

	select {
	case thumb := <-t.result:
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(thumb)
	case err := <-t.err:
		http.Error(w, "render: "+err.Error(), http.StatusUnprocessableEntity)
	case <-r.Context().Done():
	}
}
