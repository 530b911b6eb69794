// Package t08 implements the background-work runner of an accounts API.
// After a request is answered, handlers schedule follow-up work (writing
// audit records, sending webhooks) with Runner.Go so the response is not
// delayed. On SIGTERM, main calls Runner.Shutdown, which must wait for all
// scheduled work before the audit database handle is closed.
//
// Concurrency: Runner.Go is called from many HTTP handler goroutines;
// Shutdown is called once from the signal-handling goroutine while requests
// are still draining.
//
// BUG: Go checks the stopping flag (atomic.Bool Load, CHECK) and then calls
// wg.Add(1) and starts the goroutine (ACT). Shutdown can set the flag and
// complete wg.Wait() between the check and the Add, because the counter was
// still zero at that moment.
//
// HARM: Shutdown returns and main closes the audit DB while a task that
// passed the check is about to run; the task's INSERT fails on the closed
// handle (or the process exits under it), so audit records for completed
// money transfers are silently lost. If the Add lands while Wait is still
// returning, the runtime may also panic with "WaitGroup is reused before
// previous Wait has returned".
package t08

import (
	"context"
	"database/sql"
	"log"
	"sync"
	"sync/atomic"
	"time"
)

// Runner runs fire-and-forget tasks and waits for them on shutdown.
type Runner struct {
	stopping atomic.Bool
	wg       sync.WaitGroup
	dropped  atomic.Int64
}

// Go schedules fn unless the runner is shutting down.
func (r *Runner) Go(name string, fn func(ctx context.Context) error) bool {
	if r.stopping.Load() { // CHECK
		r.dropped.Add(1)
		return false
	}
	// Shutdown may set stopping and return from Wait right here.
	r.wg.Add(1) // ACT
	go func() {
		defer r.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := fn(ctx); err != nil {
			log.Printf("task %s: %v", name, err)
		}
	}()
	return true
}

// Shutdown stops accepting tasks and waits for running ones.
func (r *Runner) Shutdown() {
	r.stopping.Store(true)
	r.wg.Wait()
}

// AuditWriter records completed transfers.
type AuditWriter struct {
	DB     *sql.DB
	Runner *Runner
}

// TransferCompleted is called by the transfer handler after committing.
func (a *AuditWriter) TransferCompleted(from, to string, cents int64) {
	a.Runner.Go("audit", func(ctx context.Context) error {
		_, err := a.DB.ExecContext(ctx,
			`INSERT INTO audit(from_acct, to_acct, cents, at) VALUES ($1,$2,$3,$4)`,
			from, to, cents, time.Now())
		return err
	})
}

// Stop is called from main's signal handler.
func (a *AuditWriter) Stop() error {
	a.Runner.Shutdown()
	return a.DB.Close()
}
