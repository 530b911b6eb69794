package t07

import (
	"context"
	"sync"
	"time"
)

// TaskFixed is one report job.
type TaskFixed struct {
	ID         string
	cancel     chan struct{}
	cancelOnce sync.Once
	timer      *time.Timer
}

// Cancel stops the task. sync.Once makes the close happen exactly once no
// matter how many goroutines call Cancel concurrently.
func (t *TaskFixed) Cancel() {
	t.cancelOnce.Do(func() { close(t.cancel) })
}

// StartFixed launches work for id with a deadline.
func StartFixed(id string, deadline time.Duration, work func(ctx context.Context)) *TaskFixed {
	t := &TaskFixed{ID: id, cancel: make(chan struct{})}
	t.timer = time.AfterFunc(deadline, t.Cancel)
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
