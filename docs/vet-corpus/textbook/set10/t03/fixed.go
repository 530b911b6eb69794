package t03

// Fix: the draining check and the WaitGroup registration happen under one
// mutex, and Shutdown sets draining under the same mutex. Therefore every
// Submit either observes draining (and is rejected) or has completed
// inflight.Add(1) before Shutdown can reach inflight.Wait(); Wait then covers
// every accepted batch and Add never races with a zero-counter Wait.

import (
	"encoding/json"
	"log"
	"net/http"
	"sync"
)

// IngesterFixed wraps Ingester with a gate that makes check+register atomic.
type IngesterFixed struct {
	*Ingester

	gate     sync.Mutex
	stopping bool // guarded by gate
}

// NewIngesterFixed opens the segment at path.
func NewIngesterFixed(path string) (*IngesterFixed, error) {
	in, err := NewIngester(path)
	if err != nil {
		return nil, err
	}
	return &IngesterFixed{Ingester: in}, nil
}

// SubmitFixed accepts a batch unless shutdown has begun.
func (f *IngesterFixed) SubmitFixed(batch []Event) error {
	f.gate.Lock()
	if f.stopping {
		f.gate.Unlock()
		return ErrDraining
	}
	f.inflight.Add(1)
	f.gate.Unlock()

	go func() {
		defer f.inflight.Done()
		if err := f.write(batch); err != nil {
			log.Printf("ingest: dropping %d events: %v", len(batch), err)
		}
	}()
	return nil
}

// ShutdownFixed stops accepting batches, waits for accepted ones and closes
// the segment.
func (f *IngesterFixed) ShutdownFixed() error {
	f.gate.Lock()
	f.stopping = true
	f.draining.Store(true)
	f.gate.Unlock()

	f.inflight.Wait()

	f.segMu.Lock()
	defer f.segMu.Unlock()
	if err := f.seg.Flush(); err != nil {
		f.file.Close()
		return err
	}
	return f.file.Close()
}

// ServeHTTP implements POST /v1/events using SubmitFixed (it shadows the
// promoted Ingester.ServeHTTP).
func (f *IngesterFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var batch []Event
	if err := json.NewDecoder(r.Body).Decode(&batch); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := f.SubmitFixed(batch); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}
