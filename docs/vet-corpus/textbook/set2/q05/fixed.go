package q05

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

var ErrRunningFixed = errors.New("pool already running")

type runFixed struct {
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// PoolFixed is controlled concurrently from main and from HTTP admin handlers.
type PoolFixed struct {
	jobs chan Job
	size int

	mu  sync.Mutex
	run *runFixed // non-nil while workers are running
}

func NewPoolFixed(size int) *PoolFixed { return &PoolFixed{jobs: make(chan Job, 128), size: size} }

// StartFixed checks and claims the running state under one lock.
func (p *PoolFixed) StartFixed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.run != nil {
		return ErrRunningFixed
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &runFixed{cancel: cancel}
	for i := 0; i < p.size; i++ {
		r.wg.Add(1)
		go p.workerFixed(ctx, r)
	}
	p.run = r
	return nil
}

func (p *PoolFixed) workerFixed(ctx context.Context, r *runFixed) {
	defer r.wg.Done()
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-p.jobs:
			j(ctx)
		}
	}
}

func (p *PoolFixed) StopFixed() {
	p.mu.Lock()
	r := p.run
	p.run = nil
	p.mu.Unlock()
	if r == nil {
		return
	}
	r.cancel()
	r.wg.Wait()
}

func (p *PoolFixed) SubmitFixed(j Job) { p.jobs <- j }

func (p *PoolFixed) ResumeHandlerFixed(w http.ResponseWriter, r *http.Request) {
	if err := p.StartFixed(); err != nil {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
