// Package t15 implements the access-log shipper of a public HTTP API.
// Handlers must never be slowed down by logging: entries are put into a
// bounded channel and a single shipper goroutine batches them to a remote
// log collector; when the buffer is full, entries are dropped and counted.
//
// Concurrency: Log is called by the middleware on every request goroutine;
// Run is the only receiver. When the collector is slow or down, the shipper
// is stuck in an HTTP POST with a long timeout and the buffer fills up.
//
// BUG: Log checks len(ch) < cap(ch) (CHECK: room in the buffer) and then
// performs a plain blocking send (ACT). When one slot is free, many
// request goroutines pass the check at once; only one fits, the rest block
// on the send.
//
// HARM: during a collector outage the "non-blocking" logger blocks request
// goroutines indefinitely: API latency goes to the collector timeout, blocked
// goroutines (each holding a connection and its buffers) pile up into the
// tens of thousands and the API process runs out of memory or file
// descriptors -- a logging outage becomes a full API outage.
package t15

import (
	"bytes"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"time"
)

// Entry is one access-log line.
type Entry struct {
	Time   time.Time `json:"time"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	Status int       `json:"status"`
	Millis int64     `json:"ms"`
}

// Shipper buffers entries for the collector.
type Shipper struct {
	ch        chan Entry
	dropped   atomic.Int64
	collector string
	client    *http.Client
}

func NewShipper(collector string, buf int) *Shipper {
	return &Shipper{
		ch:        make(chan Entry, buf),
		collector: collector,
		client:    &http.Client{Timeout: 60 * time.Second},
	}
}

// Log enqueues e if there is room, otherwise drops it.
func (s *Shipper) Log(e Entry) {
	if len(s.ch) < cap(s.ch) { // CHECK: room?
		s.ch <- e // ACT: blocks if another goroutine took the slot
		return
	}
	s.dropped.Add(1)
}

// Run is the single shipper goroutine.
func (s *Shipper) Run(stop <-chan struct{}) {
	batch := make([]Entry, 0, 500)
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	flush := func() {
		if len(batch) == 0 {
			return
		}
		body, _ := json.Marshal(batch)
		resp, err := s.client.Post(s.collector, "application/json", bytes.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
		batch = batch[:0]
	}
	for {
		select {
		case e := <-s.ch:
			batch = append(batch, e)
			if len(batch) == cap(batch) {
				flush()
			}
		case <-tick.C:
			flush()
		case <-stop:
			flush()
			return
		}
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

// Middleware logs every request.
func (s *Shipper) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		s.Log(Entry{Time: start, Method: r.Method, Path: r.URL.Path, Status: sw.status,
			Millis: time.Since(start).Milliseconds()})
	})
}
