package checkthenact

import (
	"io"
	"net"
	"sync"
	"time"
)

// Jigsaw-Code/Intra Android/app/src/go/intra/split/retrier.go at ede31e6
// (fixed in 5c6d68d, Intra#518): a retrying connection's flags are
// channels, probed by a non-blocking receive and closed once, while one
// goroutine at a time does it. CloseRead (the reader's) and Close
// (another goroutine's) race, and the second close panics.
func chanClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

type retrier struct {
	mu             sync.Mutex
	conn           *net.TCPConn
	readCloseFlag  chan struct{}
	writeCloseFlag chan struct{}
}

func (r *retrier) readClosed() bool  { return chanClosed(r.readCloseFlag) }
func (r *retrier) writeClosed() bool { return chanClosed(r.writeCloseFlag) }

func (r *retrier) CloseRead() error {
	if !r.readClosed() {
		close(r.readCloseFlag) // want `close\(r.readCloseFlag\) after the probe on line 35 found it open is not atomic with it: r is a net.Conn, whose methods several goroutines may call at once`
	}
	return r.conn.CloseRead()
}

func (r *retrier) CloseWrite() error {
	if r.writeClosed() {
		return nil
	}
	close(r.writeCloseFlag) // want `close\(r.writeCloseFlag\) after the probe on line 42`
	return r.conn.CloseWrite()
}

func (r *retrier) Close() error {
	r.CloseWrite()
	return r.CloseRead()
}

func (r *retrier) Read(b []byte) (int, error)         { return r.conn.Read(b) }
func (r *retrier) Write(b []byte) (int, error)        { return r.conn.Write(b) }
func (r *retrier) LocalAddr() net.Addr                { return r.conn.LocalAddr() }
func (r *retrier) RemoteAddr() net.Addr               { return r.conn.RemoteAddr() }
func (r *retrier) SetDeadline(t time.Time) error      { return r.conn.SetDeadline(t) }
func (r *retrier) SetReadDeadline(t time.Time) error  { return r.conn.SetReadDeadline(t) }
func (r *retrier) SetWriteDeadline(t time.Time) error { return r.conn.SetWriteDeadline(t) }

// The inline form, in a listener.
type chanListener struct {
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	mu    sync.Mutex
}

func (l *chanListener) Accept() (net.Conn, error) { return <-l.conns, nil }
func (l *chanListener) Addr() net.Addr            { return nil }

func (l *chanListener) Close() error {
	select {
	case <-l.done:
	default:
		close(l.done) // want `close\(l.done\) after the probe on line 74 found it open is not atomic with it: l is a net.Listener`
	}
	return nil
}

// The fixes and near-misses: a sync.Once; the probe and close under one
// lock; the same probe in a type no contract says goroutines share (a
// service's Stop, mostly called once: not reported).
func (l *chanListener) CloseOnce() error {
	l.once.Do(func() { close(l.done) })
	return nil
}

func (l *chanListener) CloseLocked() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case <-l.done:
	default:
		close(l.done)
	}
	return nil
}

type service struct{ exit chan struct{} }

func (s *service) Stop() {
	select {
	case <-s.exit:
	default:
		close(s.exit)
	}
}

// go-delve/delve service/dap/server.go at a9c67f1 (fixed in e80e401,
// delve#3609): a connection that reads and closes, closed from the
// server's Stop and from its own loop.
type dapConn struct {
	io.ReadWriteCloser
	closed chan struct{}
}

func (c *dapConn) Close() error {
	select {
	case <-c.closed:
	default:
		close(c.closed) // want `close\(c.closed\) after the probe on line 120 found it open is not atomic with it: c is an io.ReadCloser, whose Close another goroutine calls to stop a Read`
	}
	return c.ReadWriteCloser.Close()
}

// A type whose doc promises concurrent use is such a contract too
// (rqlite/rqlite's cdc Queue, "It is safe for concurrent use.", closes its
// done channel in Close after a probe): two Closes at once both close.

// fifoQueue is a persistent queue. It is safe for concurrent use.
type fifoQueue struct{ done chan struct{} }

func (q *fifoQueue) Close() {
	select {
	case <-q.done:
		return
	default:
		close(q.done) // want `close\(q.done\) after the probe on line \d+ found it open is not atomic with it: its documentation says: "It is safe for concurrent use.", and two that probe before either closes both close`
	}
}

// Near-miss: a doc that denies the promise.

// journal is a log. It is not safe for concurrent use.
type journal struct{ done chan struct{} }

func (j *journal) Close() {
	select {
	case <-j.done:
	default:
		close(j.done)
	}
}
