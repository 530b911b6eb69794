// Package etcd6534 reconstructs a WaitGroup misuse in etcd's server: helper
// goroutines are attached to the server's WaitGroup with wg.Add from other
// goroutines at any time, while the server's run loop calls wg.Wait when it
// stops, so an Add can run concurrently with Wait.
//
//   - Project: etcd-io/etcd (etcdserver/server.go)
//   - Bug report: https://github.com/etcd-io/etcd/issues/6534
//     ("panic: sync: WaitGroup is reused before previous Wait has returned")
//   - Fix: https://github.com/etcd-io/etcd/pull/6628 (goAttach takes a read
//     lock and refuses new goroutines once stopping is closed under the write lock)
//   - Shape: WaitGroup.Add concurrent with Wait; the WaitGroup is reused
//     while a Wait is in progress (an order violation).
//   - Manifests as: a race report under -race on the runs where an attach
//     is not ordered before the shutdown; on rare schedules the WaitGroup
//     panics.
package etcd6534

import "sync"

// Server runs background tasks until it is stopped.
type Server struct {
	wg       sync.WaitGroup
	stop     chan struct{}
	stopping chan struct{}
	done     chan struct{}
}

// NewServer starts the server's run loop.
func NewServer() *Server {
	s := &Server{stop: make(chan struct{}), stopping: make(chan struct{}), done: make(chan struct{})}
	go s.run()
	return s
}

func (s *Server) run() {
	defer func() {
		close(s.stopping)
		s.wg.Wait()
		close(s.done)
	}()
	<-s.stop
}

// goAttach runs f in a goroutine the server waits for when it stops.
func (s *Server) goAttach(f func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f()
	}()
}

// Stop stops the server and waits for its goroutines.
func (s *Server) Stop() {
	close(s.stop)
	<-s.done
}
