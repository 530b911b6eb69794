// Fix: a worker claims a job with a compare-and-set transition,
// Pending -> Running, performed under the job's lock; only the goroutine for
// which the transition succeeds runs the job, and Cancel (which uses the same
// lock) either wins before the claim or fails after it.

package t16

import (
	"context"
	"log"
	"time"
)

func (j *Job) transitionFixed(from, to State) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.state != from {
		return false
	}
	j.state = to
	return true
}

// RunFixed polls and executes jobs until ctx is done.
func (w *Worker) RunFixed(ctx context.Context) {
	for {
		jobs, err := w.Src.Pending(ctx)
		if err != nil {
			log.Printf("poll: %v", err)
		}
		for _, j := range jobs {
			if !j.transitionFixed(Pending, Running) {
				continue
			}
			j.finish(w.Exec(ctx, j))
		}
		select {
		case <-time.After(w.Poll):
		case <-ctx.Done():
			return
		}
	}
}
