// Package t03 is the lifecycle wrapper of a TCP ingestion server: it accepts
// connections, hands them to a handler, and supports graceful shutdown.
//
// Concurrency: Run executes on the main goroutine's helper goroutine and
// spawns one goroutine per connection. Stop may be called from three places
// at nearly the same time during an incident: the SIGTERM handler goroutine,
// the /admin/shutdown HTTP handler goroutine, and the health watchdog
// goroutine when the disk fills up.
//
// BUG: Stop checks s.stopping.Load() and, if false, Stores true and closes
// s.quit. Load and Store are separate atomic operations: two concurrent Stop
// calls can both Load false, both Store true, and both reach close(s.quit).
//
// HARM: the second close panics with "close of closed channel". The process
// crashes in the middle of a graceful shutdown, so in-flight connections are
// cut off and their buffered records are never flushed.
package t03

import (
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Server accepts connections on a listener and serves each in a goroutine.
type Server struct {
	Handler func(c net.Conn, quit <-chan struct{})

	ln       net.Listener
	stopping atomic.Bool
	quit     chan struct{}
	conns    sync.WaitGroup
}

// New returns a Server serving ln.
func New(ln net.Listener, h func(net.Conn, <-chan struct{})) *Server {
	return &Server{Handler: h, ln: ln, quit: make(chan struct{})}
}

// Run accepts connections until Stop is called, then waits for the handlers.
func (s *Server) Run() error {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			if s.stopping.Load() {
				s.conns.Wait()
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.conns.Add(1)
		go func() {
			defer s.conns.Done()
			defer c.Close()
			s.Handler(c, s.quit)
		}()
	}
}

// Stop begins graceful shutdown. It is meant to be idempotent.
func (s *Server) Stop() {
	if s.stopping.Load() { // check
		return
	}
	// a concurrent Stop can pass the same check right here
	s.stopping.Store(true)
	close(s.quit) // act: second caller panics
	s.ln.Close()
}

// HandleSignals calls Stop when SIGTERM or SIGINT arrives.
func (s *Server) HandleSignals() {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGTERM, syscall.SIGINT)
	go func() {
		<-ch
		s.Stop()
	}()
}

// AdminShutdown is mounted at POST /admin/shutdown on the admin listener.
func (s *Server) AdminShutdown(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	s.Stop()
	w.WriteHeader(http.StatusAccepted)
}

// Watchdog stops the server when diskFull reports true.
func (s *Server) Watchdog(diskFull func() bool, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		if diskFull() {
			s.Stop()
			return
		}
	}
}
