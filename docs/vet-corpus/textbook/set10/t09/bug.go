// Package t09 is the bounded worker pool behind a thumbnail-rendering HTTP
// endpoint. Requests are queued to a fixed number of workers; when the queue
// is full the handler must shed load immediately with 503 so that the load
// balancer retries on another replica.
//
// Concurrency: ServeHTTP / TrySubmit run on net/http handler goroutines
// (hundreds at a time under load); the workers started by Start drain the
// queue channel; Stop is called from the shutdown path.
//
// BUG: TrySubmit probes the queue with len(p.queue) >= cap(p.queue) and, if
// there seems to be room, performs a plain blocking send p.queue <- j. Between
// the length check and the send other handler goroutines fill the remaining
// slots, so the send blocks instead of failing fast.
//
// HARM: under exactly the overload the check exists for, handlers pile up
// blocked on the channel send while holding their client connections: load
// shedding never triggers, latency grows without bound and the upstream load
// balancer's health checks time out, ejecting the replica. After Stop the
// workers are gone and every handler blocked in the send leaks forever.
package t09

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
)

// ErrQueueFull is returned when the pool cannot accept more work.
var ErrQueueFull = errors.New("pool: queue full")

// Job is one unit of work.
type Job struct {
	ID     string
	Params map[string]string
	Result chan<- error
}

// Pool runs jobs on a fixed set of workers.
type Pool struct {
	queue   chan Job
	workers int
	render  func(context.Context, Job) error

	quit     chan struct{}
	wg       sync.WaitGroup
	rejected atomic.Int64
}

// NewPool returns a pool with the given number of workers and queue depth.
func NewPool(workers, depth int, render func(context.Context, Job) error) *Pool {
	return &Pool{queue: make(chan Job, depth), workers: workers, render: render, quit: make(chan struct{})}
}

// Start launches the workers.
func (p *Pool) Start(ctx context.Context) {
	for i := 0; i < p.workers; i++ {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for {
				select {
				case <-p.quit:
					return
				case j := <-p.queue:
					j.Result <- p.render(ctx, j)
				}
			}
		}()
	}
}

// TrySubmit enqueues j, or returns ErrQueueFull without blocking.
func (p *Pool) TrySubmit(j Job) error {
	if len(p.queue) >= cap(p.queue) {
		p.rejected.Add(1)
		return ErrQueueFull
	}
	p.queue <- j
	return nil
}

// ServeHTTP renders a thumbnail via the pool.
func (p *Pool) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	res := make(chan error, 1)
	j := Job{ID: r.URL.Query().Get("id"), Params: map[string]string{"size": r.URL.Query().Get("size")}, Result: res}
	if err := p.TrySubmit(j); err != nil {
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

// Stop terminates the workers and waits for them.
func (p *Pool) Stop() {
	close(p.quit)
	p.wg.Wait()
}
