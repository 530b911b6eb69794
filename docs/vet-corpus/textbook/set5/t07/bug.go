// Package t07 is the task runner of a report-generation service. Each Task
// has a cancel channel that its worker goroutine selects on. A task can be
// cancelled from two places: the DELETE /tasks/{id} HTTP handler and the
// per-task deadline timer started with time.AfterFunc. Cancel is documented
// as idempotent and safe for concurrent use; it tests whether the channel is
// already closed with a non-blocking select before closing it.
//
// BUG (check-then-act on channel close via select): the check is the
// `select { case <-t.cancel: ...; default: }` probe ("already closed?"), the
// act is close(t.cancel). The probe and the close are each safe, but the
// deadline timer goroutine and a handler goroutine (or two DELETE requests)
// can both take the default branch and both close the channel: the second
// close panics with "close of closed channel", and since it happens in the
// timer goroutine, the whole service crashes.
package t07

import (
	"context"
	"net/http"
	"sync"
	"time"
)

// Task is one report job.
type Task struct {
	ID     string
	cancel chan struct{}
	timer  *time.Timer
}

// Cancel stops the task. It is idempotent and safe for concurrent use.
func (t *Task) Cancel() {
	select {
	case <-t.cancel:
		return // already cancelled
	default:
	}
	close(t.cancel)
}

// Runner owns running tasks.
type Runner struct {
	mu    sync.Mutex
	tasks map[string]*Task
}

// Start launches work for id with a deadline.
func (r *Runner) Start(id string, deadline time.Duration, work func(ctx context.Context)) *Task {
	t := &Task{ID: id, cancel: make(chan struct{})}
	t.timer = time.AfterFunc(deadline, t.Cancel)

	r.mu.Lock()
	if r.tasks == nil {
		r.tasks = make(map[string]*Task)
	}
	r.tasks[id] = t
	r.mu.Unlock()

	go func() {
		ctx, stop := context.WithCancel(context.Background())
		defer stop()
		go func() {
			select {
			case <-t.cancel:
				stop()
			case <-ctx.Done():
			}
		}()
		work(ctx)
		t.timer.Stop()
	}()
	return t
}

// ServeDelete handles DELETE /tasks/{id}.
func (r *Runner) ServeDelete(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	t, ok := r.tasks[req.PathValue("id")]
	r.mu.Unlock()
	if !ok {
		http.NotFound(w, req)
		return
	}
	t.Cancel()
	w.WriteHeader(http.StatusNoContent)
}
