// Package t08 is the front end of the thumbnail service. Uploads are queued
// for a small pool of CPU-bound renderer goroutines; when the backlog is full
// the handler is supposed to shed load immediately with 503 so that the load
// balancer retries on another instance.
//
// Concurrency: ServeHTTP runs in one goroutine per request; the renderers
// drain the channel concurrently.
//
// BUG (len(ch) test): ServeHTTP checks len(s.backlog) >= cap(s.backlog) and,
// when there seems to be room, acts with a plain blocking send
// s.backlog <- task. Other handlers fill the remaining slots between the
// check and the send, so the send blocks instead of shedding.
//
// Harm: under a burst, request goroutines pile up blocked on the channel
// (holding upload buffers in memory) instead of getting a fast 503; clients
// hit their timeouts, the load balancer never fails over, and memory grows
// until the instance is OOM-killed.
package t08

import (
	"bytes"
	"image"
	_ "image/jpeg" // register decoders
	"image/png"
	"io"
	"net/http"
)

type task struct {
	src    []byte
	result chan []byte
	err    chan error
}

// Server renders thumbnails with a bounded backlog.
type Server struct {
	backlog chan task
	render  func(image.Image) image.Image
}

// NewServer starts workers renderers with room for backlog queued uploads.
func NewServer(workers, backlog int, render func(image.Image) image.Image) *Server {
	s := &Server{backlog: make(chan task, backlog), render: render}
	for i := 0; i < workers; i++ {
		go s.renderer()
	}
	return s
}

func (s *Server) renderer() {
	for t := range s.backlog {
		img, _, err := image.Decode(bytes.NewReader(t.src))
		if err != nil {
			t.err <- err
			continue
		}
		var out bytes.Buffer
		if err := png.Encode(&out, s.render(img)); err != nil {
			t.err <- err
			continue
		}
		t.result <- out.Bytes()
	}
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	src, err := io.ReadAll(io.LimitReader(r.Body, 8<<20))
	if err != nil {
		http.Error(w, "read upload: "+err.Error(), http.StatusBadRequest)
		return
	}
	if len(s.backlog) >= cap(s.backlog) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	t := task{src: src, result: make(chan []byte, 1), err: make(chan error, 1)}
	s.backlog <- t

	select {
	case thumb := <-t.result:
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(thumb)
	case err := <-t.err:
		http.Error(w, "render: "+err.Error(), http.StatusUnprocessableEntity)
	case <-r.Context().Done():
		// client gave up; the renderer's buffered reply is dropped
	}
}
