package r08

import (
	"context"
	"io"
	"net/http"
	"sync"
)

// ServerFixed makes "is there room?" and "take the slot" one operation: a
// non-blocking send in a select with a default case.
type ServerFixed struct {
	jobs   chan job
	render func(context.Context, string, []byte)
	wg     sync.WaitGroup
}

func NewServerFixed(queue int, render func(context.Context, string, []byte)) *ServerFixed {
	return &ServerFixed{jobs: make(chan job, queue), render: render}
}

func (s *ServerFixed) Start(ctx context.Context, workers int) {
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

func (s *ServerFixed) enqueue(j job) bool {
	select {
	case s.jobs <- j:
		return true
	default:
		return false
	}
}

func (s *ServerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
