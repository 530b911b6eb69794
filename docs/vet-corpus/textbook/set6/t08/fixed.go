// Fix: TryEnqueueFixed uses a select with a default case, so checking for a
// free slot and taking it are the same channel operation and the handler
// never blocks.

package t08

import (
	"encoding/json"
	"log"
	"net/http"
)

// QueueFixed is a bounded job queue with a worker pool.
type QueueFixed struct {
	jobs   chan Job
	render func(Job) error
}

// NewQueueFixed starts workers goroutines draining a queue of the given depth.
func NewQueueFixed(depth, workers int, render func(Job) error) *QueueFixed {
	q := &QueueFixed{jobs: make(chan Job, depth), render: render}
	for i := 0; i < workers; i++ {
		go q.worker(i)
	}
	return q
}

func (q *QueueFixed) worker(id int) {
	for job := range q.jobs {
		if err := q.render(job); err != nil {
			log.Printf("worker %d: render %s: %v", id, job.SourceURL, err)
		}
	}
}

// TryEnqueueFixed adds job to the queue, or returns ErrQueueFull without blocking.
func (q *QueueFixed) TryEnqueueFixed(job Job) error {
	select {
	case q.jobs <- job:
		return nil
	default:
		return ErrQueueFull
	}
}

// ServeHTTP handles POST /thumbnails.
func (q *QueueFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var job Job
	if err := json.NewDecoder(r.Body).Decode(&job); err != nil {
		http.Error(w, "invalid job", http.StatusBadRequest)
		return
	}
	if job.SourceURL == "" || job.Width <= 0 || job.Height <= 0 {
		http.Error(w, "source_url, width and height are required", http.StatusBadRequest)
		return
	}
	if err := q.TryEnqueueFixed(job); err != nil {
		w.Header().Set("Retry-After", "2")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
