// Package etcd18704 reconstructs a goroutine leak in etcd's gRPC watch
// server: the stream's receive loop forwards control requests to the send
// loop over an unbuffered channel, and when the stream closes, the send loop
// exits on its close channel while the receive loop stays blocked on the
// send of a request nobody will read.
//
//   - Project: etcd-io/etcd (server/etcdserver/api/v3rpc/watch.go)
//   - Bug report: https://github.com/etcd-io/etcd/issues/18704
//   - Fix: https://github.com/etcd-io/etcd/pull/18739 (recvLoop also selects on the close channel)
//   - Shape: a producer loop sends without a select on the shutdown signal
//     its consumer loop exits on.
//   - Fixed twin: recvLoop sends with a select that also waits on closec (the
//     upstream fix), so it returns when the stream closes instead of blocking
//     on a request nobody reads.
package etcd18704

import "sync"

// watchStream is the server side of one watch stream.
type watchStream struct {
	recv   func() (string, bool) // the next client request, false at end of stream
	ctrl   chan string           // requests from recvLoop to sendLoop
	resps  chan string           // responses to the client
	closec chan struct{}
	wg     sync.WaitGroup
}

func newWatchStream(recv func() (string, bool)) *watchStream {
	ws := &watchStream{
		recv:   recv,
		ctrl:   make(chan string),
		resps:  make(chan string, 8),
		closec: make(chan struct{}),
	}
	ws.wg.Add(1)
	go func() {
		defer ws.wg.Done()
		ws.sendLoop()
	}()
	go ws.recvLoop()
	return ws
}

func (ws *watchStream) recvLoop() {
	for {
		req, ok := ws.recv()
		if !ok {
			return
		}
		select {
		case ws.ctrl <- req:
		case <-ws.closec:
			return
		}
	}
}

func (ws *watchStream) sendLoop() {
	for {
		select {
		case req := <-ws.ctrl:
			ws.resps <- req + " ok"
		case <-ws.closec:
			return
		}
	}
}

// close ends the stream and waits for the send loop, as the gRPC handler does
// when the client's context is done.
func (ws *watchStream) close() {
	close(ws.closec)
	ws.wg.Wait()
}
