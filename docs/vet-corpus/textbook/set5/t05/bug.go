// Package t05 is the lifecycle glue of a small daemon: it runs an HTTP admin
// server and a background worker, and can be stopped either by SIGTERM (a
// goroutine waiting on os/signal) or by POST /admin/quit. Both paths call the
// same stop closure built in Run, which flips an atomic "stopping" flag and
// closes the quit channel that the worker and Run select on.
//
// BUG (check-then-act on atomic.Bool, inside a closure): the check is
// !stopping.Load(), the act is stopping.Store(true) followed by close(quit).
// The signal goroutine and an admin-handler goroutine (or two concurrent
// /admin/quit requests) can both observe false before either stores true, so
// close(quit) runs twice and the process dies with "close of closed channel"
// instead of shutting down cleanly (in-flight work is not drained).
package t05

import (
	"context"
	"net/http"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

// Daemon bundles the admin server and the worker.
type Daemon struct {
	Addr string
	Work func(context.Context)
}

// Run blocks until the daemon is asked to stop.
func (d *Daemon) Run() error {
	var stopping atomic.Bool
	quit := make(chan struct{})

	stop := func(reason string) {
		if !stopping.Load() {
			stopping.Store(true)
			close(quit)
		}
		_ = reason
	}

	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGTERM, os.Interrupt)
	defer signal.Stop(sigs)
	go func() {
		select {
		case s := <-sigs:
			stop("signal " + s.String())
		case <-quit:
		}
	}()

	mux := http.NewServeMux()
	mux.HandleFunc("POST /admin/quit", func(w http.ResponseWriter, r *http.Request) {
		stop("admin request from " + r.RemoteAddr)
		w.WriteHeader(http.StatusAccepted)
	})
	srv := &http.Server{Addr: d.Addr, Handler: mux}
	go srv.ListenAndServe()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		d.Work(ctx)
	}()

	<-quit
	cancel()
	<-done
	shCtx, shCancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer shCancel()
	return srv.Shutdown(shCtx)
}
