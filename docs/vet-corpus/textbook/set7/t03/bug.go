// Package t03 is the lifecycle controller of the event-ingest daemon: it owns
// the quit channel every pipeline stage selects on and runs the final flush
// of buffered events to durable storage.
//
// Concurrency: Shutdown is called from the signal goroutine started by
// WatchSignals (SIGTERM/SIGINT) and from the POST /admin/shutdown handler.
// During a Kubernetes rollout the pre-stop hook hits the admin endpoint and
// the kubelet sends SIGTERM within milliseconds of each other.
//
// BUG (atomic flag guarding close): Shutdown checks d.stopping.Load() and,
// when it is false, acts with d.stopping.Store(true) followed by
// close(d.quit) and the flush. Load and Store are two separate atomic
// operations, so both callers can observe false and both go on to close
// d.quit.
//
// Harm: "panic: close of closed channel" in the second caller aborts the
// process before (or while) the final flush runs, so the events buffered in
// memory at shutdown are lost on every such rollout.
package t03

import (
	"errors"
	"log"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

var errAlreadyStopping = errors.New("t03: shutdown already in progress")

// Daemon coordinates start-up and shutdown of the ingest pipeline.
type Daemon struct {
	stopping atomic.Bool
	quit     chan struct{}
	flushed  chan struct{}
	flush    func() error
	logger   *log.Logger
}

// New returns a daemon whose Shutdown calls flush exactly once.
func New(flush func() error, logger *log.Logger) *Daemon {
	return &Daemon{
		quit:    make(chan struct{}),
		flushed: make(chan struct{}),
		flush:   flush,
		logger:  logger,
	}
}

// Done is closed when shutdown begins; pipeline stages select on it.
func (d *Daemon) Done() <-chan struct{} { return d.quit }

// Wait blocks until the final flush has finished.
func (d *Daemon) Wait() { <-d.flushed }

// Shutdown stops the pipeline and flushes buffered events.
func (d *Daemon) Shutdown(reason string) error {
	if d.stopping.Load() {
		return errAlreadyStopping
	}
	d.stopping.Store(true)
	d.logger.Printf("shutting down: %s", reason)
	close(d.quit)
	err := d.flush()
	close(d.flushed)
	return err
}

// WatchSignals shuts the daemon down on SIGTERM or SIGINT.
func (d *Daemon) WatchSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, os.Interrupt)
	go func() {
		sig := <-ch
		signal.Stop(ch)
		if err := d.Shutdown("signal " + sig.String()); err != nil && !errors.Is(err, errAlreadyStopping) {
			d.logger.Printf("flush failed: %v", err)
		}
	}()
}

// AdminHandler serves POST /admin/shutdown.
func (d *Daemon) AdminHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch err := d.Shutdown("admin request from " + r.RemoteAddr); {
		case errors.Is(err, errAlreadyStopping):
			w.WriteHeader(http.StatusAccepted)
		case err != nil:
			http.Error(w, "flush failed: "+err.Error(), http.StatusInternalServerError)
		default:
			w.WriteHeader(http.StatusNoContent)
		}
	})
}
