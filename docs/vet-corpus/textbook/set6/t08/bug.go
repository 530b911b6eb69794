// Package t08 is the thumbnail-rendering front end of an image service.
// POST /thumbnails enqueues a render job on a bounded channel consumed by a
// fixed pool of worker goroutines; the handler must never block: when the
// queue is full it answers 503 so the load balancer retries elsewhere.
//
// BUG (Queue.TryEnqueue: check = len(q.jobs) < cap(q.jobs) -> act =
// q.jobs <- job, a blocking send): concurrent handlers can all observe the one
// remaining free slot; the first send takes it and the others block in the
// send until a worker frees space. The len() test only looks like a
// non-blocking enqueue.
//
// Harm: under overload, exactly when shedding matters, handlers pile up
// blocked on the channel instead of returning 503: request latency explodes,
// client timeouts fire, goroutines and connections accumulate until the
// process runs out of file descriptors or memory.
package t08

import (
	"encoding/json"
	"errors"
	"log"
	"net/http"
)

// ErrQueueFull means the job was not accepted.
var ErrQueueFull = errors.New("render queue full")

// Job describes one thumbnail to render.
type Job struct {
	SourceURL string `json:"source_url"`
	Width     int    `json:"width"`
	Height    int    `json:"height"`
	Callback  string `json:"callback"`
}

// Queue is a bounded job queue with a worker pool.
type Queue struct {
	jobs   chan Job
	render func(Job) error
}

// NewQueue starts workers goroutines draining a queue of the given depth.
func NewQueue(depth, workers int, render func(Job) error) *Queue {
	q := &Queue{jobs: make(chan Job, depth), render: render}
	for i := 0; i < workers; i++ {
		go q.worker(i)
	}
	return q
}

func (q *Queue) worker(id int) {
	for job := range q.jobs {
		if err := q.render(job); err != nil {
			log.Printf("worker %d: render %s: %v", id, job.SourceURL, err)
		}
	}
}

// TryEnqueue adds job to the queue, or returns ErrQueueFull without blocking.
func (q *Queue) TryEnqueue(job Job) error {
	if len(q.jobs) >= cap(q.jobs) {
		return ErrQueueFull
	}
	q.jobs <- job
	return nil
}

// ServeHTTP handles POST /thumbnails.
func (q *Queue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var job Job
	if err := json.NewDecoder(r.Body).Decode(&job); err != nil {
		http.Error(w, "invalid job", http.StatusBadRequest)
		return
	}
	if job.SourceURL == "" || job.Width <= 0 || job.Height <= 0 {
		http.Error(w, "source_url, width and height are required", http.StatusBadRequest)
		return
	}
	if err := q.TryEnqueue(job); err != nil {
		w.Header().Set("Retry-After", "2")
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
