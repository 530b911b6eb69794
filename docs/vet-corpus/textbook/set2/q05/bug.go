// Package q05 is a worker pool that drains a job queue in the background.
//
// BUG: Start checks running.Load() and then sets running.Store(true). Start is
// called both from main and from the admin "resume" endpoint; if both run at
// once, two sets of workers are started. Stop only cancels the context of the
// last set, so the first set of workers leaks and keeps consuming jobs after
// shutdown.
package q05

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
)

var ErrRunning = errors.New("pool already running")

type Job func(context.Context)

// Pool is controlled concurrently from main and from HTTP admin handlers.
type Pool struct {
	running atomic.Bool
	jobs    chan Job
	size    int

	mu     sync.Mutex
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func NewPool(size int) *Pool { return &Pool{jobs: make(chan Job, 128), size: size} }

func (p *Pool) Start() error {
	if p.running.Load() {
		return ErrRunning
	}
	p.running.Store(true)

	ctx, cancel := context.WithCancel(context.Background())
	p.mu.Lock()
	p.cancel = cancel
	p.mu.Unlock()
	for i := 0; i < p.size; i++ {
		p.wg.Add(1)
		go p.worker(ctx)
	}
	return nil
}

func (p *Pool) worker(ctx context.Context) {
	defer p.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-p.jobs:
			j(ctx)
		}
	}
}

func (p *Pool) Stop() {
	p.mu.Lock()
	cancel := p.cancel
	p.mu.Unlock()
	if cancel != nil {
		cancel()
	}
	p.wg.Wait()
	p.running.Store(false)
}

func (p *Pool) Submit(j Job) { p.jobs <- j }

// ResumeHandler is mounted on the admin mux.
func (p *Pool) ResumeHandler(w http.ResponseWriter, r *http.Request) {
	if err := p.Start(); err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
