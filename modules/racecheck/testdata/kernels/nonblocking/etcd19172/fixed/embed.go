// Package etcd19172 reconstructs a data race in etcd's embedded server: the
// goroutines serving the peer listeners called wg.Add(1) themselves, so
// Close's wg.Wait could run before an Add and return while an error handler
// was still running against the server being torn down.
//
//   - Project: etcd-io/etcd (server/embed/etcd.go)
//   - Bug report: https://github.com/etcd-io/etcd/issues/19172 (and the
//     duplicate https://github.com/etcd-io/etcd/issues/19193)
//   - Fix: https://github.com/etcd-io/etcd/pull/19221 (wg.Add before the go statement)
//   - Shape: WaitGroup.Add called inside the goroutine it accounts for,
//     concurrently with Wait (an order violation).
//   - Fixed twin: wg.Add(1) runs before the go statement (the upstream fix),
//     so Close's Wait always covers every handler.
package etcd19172

import (
	"errors"
	"sync"
)

// Etcd is an embedded server with a set of peer listeners.
type Etcd struct {
	wg     sync.WaitGroup
	stopc  chan struct{}
	errc   chan error
	closed bool // written by Close after every goroutine is done
}

// StartEtcd serves n peer listeners; serve returns each listener's error.
func StartEtcd(n int, serve func(i int) error) *Etcd {
	e := &Etcd{stopc: make(chan struct{}), errc: make(chan error, n)}
	for i := range n {
		e.wg.Add(1)
		go e.servePeer(i, serve)
	}
	return e
}

func (e *Etcd) servePeer(i int, serve func(i int) error) {
	defer e.wg.Done()
	e.errHandler(serve(i))
}

func (e *Etcd) errHandler(err error) {
	if err == nil || e.closed {
		return
	}
	select {
	case <-e.stopc:
	case e.errc <- err:
	}
}

// Err returns the channel listener errors are reported on.
func (e *Etcd) Err() <-chan error { return e.errc }

// Close stops the server and waits for its goroutines.
func (e *Etcd) Close() {
	close(e.stopc)
	e.wg.Wait()
	e.closed = true
}

// ErrListenerClosed is what a listener returns when the server stops.
var ErrListenerClosed = errors.New("use of closed network connection")
