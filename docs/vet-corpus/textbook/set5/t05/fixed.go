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

// DaemonFixed bundles the admin server and the worker.
type DaemonFixed struct {
	Addr string
	Work func(context.Context)
}

// Run blocks until the daemon is asked to stop. The stop closure uses
// CompareAndSwap so exactly one caller wins the false->true transition and
// closes quit.
func (d *DaemonFixed) Run() error {
	var stopping atomic.Bool
	quit := make(chan struct{})

	stop := func(reason string) {
		if stopping.CompareAndSwap(false, true) {
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
