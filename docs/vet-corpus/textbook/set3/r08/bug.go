// Package r08 accepts thumbnail-rendering jobs over HTTP and hands them to a
// fixed set of worker goroutines through a bounded channel, shedding load
// with 503 when the queue is full.
//
// BUG (check-then-act on a channel's len): Server.enqueue checks
// len(s.jobs) < cap(s.jobs) and, if there seems to be room, performs a
// plain blocking send. Upload handlers run concurrently; when one slot is
// left, several handlers see len == cap-1 and all proceed to send. One gets
// the slot; the rest block on the send instead of returning 503. While the
// workers are saturated (or after Shutdown has stopped them) those handler
// goroutines hang indefinitely holding their request bodies in memory, the
// clients time out, and http.Server.Shutdown never completes because the
// hung handlers never return.
package r08

import (
	"context"
	"io"
	"net/http"
	"sync"
)

type job struct {
	name  string
	image []byte
}

type Server struct {
	jobs   chan job
	render func(context.Context, string, []byte)
	wg     sync.WaitGroup
}

func NewServer(queue int, render func(context.Context, string, []byte)) *Server {
	return &Server{jobs: make(chan job, queue), render: render}
}

// Start launches the workers; they exit when ctx is cancelled.
func (s *Server) Start(ctx context.Context, workers int) {
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case j := <-s.jobs:
					s.render(ctx, j.name, j.image)
				}
			}
		}()
	}
}

// enqueue reports false when the queue is full so the caller can shed load.
func (s *Server) enqueue(j job) bool {
	if len(s.jobs) >= cap(s.jobs) {
		return false
	}
	s.jobs <- j
	return true
}

// ServeHTTP handles POST /thumbnails/{name}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 10<<20))
	if err != nil {
		http.Error(w, "read error", http.StatusBadRequest)
		return
	}
	if !s.enqueue(job{name: r.PathValue("name"), image: body}) {
		http.Error(w, "busy, retry later", http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
