// Package t03 is the event-ingest front end of a log shipping agent. HTTP
// handlers accept batches of events, answer 202 Accepted immediately, and
// append the events to the current segment file from a background goroutine.
//
// Concurrency: Submit is called from net/http handler goroutines. Shutdown is
// called once from the signal-handling goroutine on SIGTERM: it flips the
// draining flag, waits on the in-flight WaitGroup for accepted batches to be
// written, then flushes and closes the segment.
//
// BUG: Submit checks the draining flag (draining.Load) and then, in a separate
// step, registers the batch with inflight.Add(1). Shutdown can set draining and
// return from inflight.Wait() (counter still zero) in between, after which the
// handler goroutine does Add(1) and starts writing.
//
// HARM: a batch that was already acknowledged with 202 is written after the
// segment has been flushed and closed; the write fails with
// os.ErrClosed and the events are silently lost (the client never retries an
// accepted batch). If Add races with Wait while the counter is zero the
// runtime may also panic with "WaitGroup is reused before previous Wait has
// returned", killing the agent mid-shutdown.
package t03

import (
	"bufio"
	"encoding/json"
	"errors"
	"log"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
)

// ErrDraining is returned once shutdown has started.
var ErrDraining = errors.New("ingest: server is draining")

// Event is one log record.
type Event struct {
	TS    int64             `json:"ts"`
	Level string            `json:"level"`
	Msg   string            `json:"msg"`
	Attrs map[string]string `json:"attrs,omitempty"`
}

// Ingester accepts event batches and appends them to a segment file.
type Ingester struct {
	draining atomic.Bool
	inflight sync.WaitGroup

	segMu sync.Mutex // serializes writes to seg
	file  *os.File
	seg   *bufio.Writer
}

// NewIngester opens (or creates) the segment at path.
func NewIngester(path string) (*Ingester, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	return &Ingester{file: f, seg: bufio.NewWriterSize(f, 64<<10)}, nil
}

// Submit accepts a batch for asynchronous persistence.
func (in *Ingester) Submit(batch []Event) error {
	if in.draining.Load() {
		return ErrDraining
	}
	in.inflight.Add(1)
	go func() {
		defer in.inflight.Done()
		if err := in.write(batch); err != nil {
			log.Printf("ingest: dropping %d events: %v", len(batch), err)
		}
	}()
	return nil
}

func (in *Ingester) write(batch []Event) error {
	in.segMu.Lock()
	defer in.segMu.Unlock()
	enc := json.NewEncoder(in.seg)
	for i := range batch {
		if err := enc.Encode(&batch[i]); err != nil {
			return err
		}
	}
	if in.seg.Buffered() > 32<<10 {
		return in.seg.Flush()
	}
	return nil
}

// ServeHTTP implements POST /v1/events.
func (in *Ingester) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var batch []Event
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := in.Submit(batch); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// Shutdown stops accepting batches, waits for accepted ones and closes the
// segment.
func (in *Ingester) Shutdown() error {
	in.draining.Store(true)
	in.inflight.Wait()

	in.segMu.Lock()
	defer in.segMu.Unlock()
	if err := in.seg.Flush(); err != nil {
		in.file.Close()
		return err
	}
	return in.file.Close()
}
