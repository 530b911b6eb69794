// Package p08 is a FIFO job queue drained by a pool of worker goroutines.
//
// BUG: each worker checks Len() > 0 and then calls Pop(). With one job queued,
// two workers both see Len()==1; the first Pop takes it and the second Pop
// indexes an empty slice: panic "index out of range", killing the process.
package p08

import "sync"

// Job is a unit of work.
type Job struct {
	ID  int
	Run func()
}

// Queue is safe for concurrent use.
type Queue struct {
	mu   sync.Mutex
	jobs []Job
}

// Push appends a job.
func (q *Queue) Push(j Job) {
	q.mu.Lock()
	q.jobs = append(q.jobs, j)
	q.mu.Unlock()
}

// Len returns the number of queued jobs.
func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs)
}

// Pop removes and returns the oldest job. The queue must not be empty.
func (q *Queue) Pop() Job {
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j
}

// RunWorkers starts n workers that drain q until stop is closed.
func RunWorkers(q *Queue, n int, stop <-chan struct{}) {
	for i := 0; i < n; i++ {
		go func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if q.Len() > 0 {
					j := q.Pop()
					j.Run()
				}
			}
		}()
	}
}
