package p08

import "sync"

// QueueFixed is safe for concurrent use.
type QueueFixed struct {
	mu   sync.Mutex
	jobs []Job
}

// PushFixed appends a job.
func (q *QueueFixed) PushFixed(j Job) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// TryPopFixed removes and returns the oldest job, or ok=false if empty; the
// emptiness check and the removal happen under one lock.
func (q *QueueFixed) TryPopFixed() (j Job, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.jobs) == 0 {
		return Job{}, false
	}
	j = q.jobs[0]
	q.jobs = q.jobs[1:]
	return j, true
}

// RunWorkersFixed starts n workers that drain q until stop is closed.
func RunWorkersFixed(q *QueueFixed, n int, stop <-chan struct{}) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if j, ok := q.TryPopFixed(); ok {
					j.Run()
				}
			}
		}()
	}
}
