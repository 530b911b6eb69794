// Package t09 runs fire-and-forget background tasks for an order service
// (sending receipts, writing audit records) and drains them on shutdown.
// Each task produces an audit line that is appended to an audit log file.
//
// Concurrency: Go is called from HTTP handler goroutines whenever an order is
// placed. Shutdown is called once from the main goroutine after SIGTERM,
// while the HTTP server is still finishing in-flight requests (which may
// still call Go).
//
// BUG: Go checks b.draining.Load() and, if false, calls b.wg.Add(1) and
// starts the task. Shutdown Stores draining=true, calls b.wg.Wait(), and then
// closes the audit log. Between Go's check and its wg.Add(1), Shutdown can
// set draining, see a zero counter, return from Wait and close the file.
// (It is also an Add concurrent with Wait at counter zero, which the
// sync.WaitGroup docs forbid and may panic with "WaitGroup misuse".)
//
// HARM: the task runs after Shutdown has returned: its audit line is written
// to a closed file and lost (os.ErrClosed, only logged), or the process exits
// mid-task and the receipt email is never sent. Audit records for orders that
// were accepted with 201 Created silently go missing.
package t09

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// ErrDraining is returned by Go after Shutdown has started.
var ErrDraining = errors.New("background: shutting down")

// Background runs tasks and appends their audit lines to out.
type Background struct {
	draining atomic.Bool
	wg       sync.WaitGroup

	outMu sync.Mutex
	out   io.WriteCloser
}

// New returns a Background writing audit lines to out.
func New(out io.WriteCloser) *Background {
	return &Background{out: out}
}

func (b *Background) audit(line []byte) {
	b.outMu.Lock()
	defer b.outMu.Unlock()
	if _, err := b.out.Write(append(line, '\n')); err != nil {
		log.Printf("audit: dropped record %q: %v", line, err)
	}
}

// Go runs task in the background unless shutdown has begun.
func (b *Background) Go(task func() (auditLine []byte)) error {
	if b.draining.Load() { // check
		return ErrDraining
	}
	// Shutdown may set draining, Wait on a zero counter and close out here
	b.wg.Add(1) // act
	go func() {
		defer b.wg.Done()
		b.audit(task())
	}()
	return nil
}

// Shutdown stops accepting tasks, waits for running ones, and closes the log.
func (b *Background) Shutdown() error {
	b.draining.Store(true)
	b.wg.Wait()
	b.outMu.Lock()
	defer b.outMu.Unlock()
	return b.out.Close()
}

// PlaceOrder is the POST /orders handler; it accepts the order and schedules
// the receipt email and audit record in the background.
func (b *Background) PlaceOrder(sendReceipt func(orderID string) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		orderID := r.FormValue("order_id")
		if orderID == "" {
			http.Error(w, "missing order_id", http.StatusBadRequest)
			return
		}
		err := b.Go(func() []byte {
			status := "sent"
			if err := sendReceipt(orderID); err != nil {
				status = "failed: " + err.Error()
			}
			return []byte(fmt.Sprintf("%s order=%s receipt=%s",
				time.Now().UTC().Format(time.RFC3339), orderID, status))
		})
		if errors.Is(err, ErrDraining) {
			http.Error(w, "shutting down", http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}
}
