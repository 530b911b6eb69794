package checkthenact

import (
	"net"
	"sync"
	"sync/atomic"
	"syscall"
)

// A close-once guard kept in a plain bool of a type built for concurrent
// use, before a teardown that must not run twice.

// microsoft/go-winio file.go at 73020a3^ (fixed in 73020a3, "Bool is not
// atomic"): two Closes both pass !f.closing and close the handle twice.
type win32File struct {
	handle  int
	wg      sync.WaitGroup
	closing bool
}

func (f *win32File) closeHandle() {
	if !f.closing {
		f.closing = true // want `f.closing is set here after the condition on line 22 read it, before syscall.Close on line 25, in a method of \*win32File \(whose synchronised fields say several goroutines use it\) that no caller runs under its receiver's lock`
		f.wg.Wait()
		syscall.Close(f.handle)
		f.handle = 0
	}
}

func (f *win32File) Close() error {
	f.closeHandle()
	return nil
}

// The fix: an atomic swap decides.
type win32FileFixed struct {
	handle  int
	wg      sync.WaitGroup
	closing atomic.Bool
}

func (f *win32FileFixed) closeHandle() {
	if !f.closing.Swap(true) {
		f.wg.Wait()
		syscall.Close(f.handle)
		f.handle = 0
	}
}

func (f *win32FileFixed) Close() error {
	f.closeHandle()
	return nil
}

// A channel closed behind a plain flag in an exported Close: the second
// close panics.
type notifier struct {
	mu     sync.Mutex
	subs   []chan struct{}
	closed bool
	done   chan struct{}
}

func (n *notifier) Subscribe() chan struct{} {
	n.mu.Lock()
	defer n.mu.Unlock()
	ch := make(chan struct{})
	n.subs = append(n.subs, ch)
	return ch
}

func (n *notifier) Close() {
	if n.closed {
		return
	}
	n.closed = true // want `n.closed is set here after the condition on line 73 read it, before close on line 77`
	close(n.done)
}

// Near-miss: every caller holds the receiver's lock.
type closer struct {
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

func (c *closer) shutdown() {
	if !c.closed {
		c.closed = true
		close(c.done)
	}
}

func (c *closer) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shutdown()
}

// Near-miss: a Close of another type, which may be idempotent (a listener
// closed twice answers an error), is no harmful teardown.
type wrappedListener struct {
	listener  net.Listener
	acceptCh  chan net.Conn
	closeFlag bool
}

func (l *wrappedListener) Close() error {
	if !l.closeFlag {
		l.closeFlag = true
		l.listener.Close()
	}
	return nil
}

// Near-miss: a type nothing says is used by several goroutines.
type plainHandle struct {
	fd     int
	closed bool
}

func (h *plainHandle) Close() {
	if !h.closed {
		h.closed = true
		syscall.Close(h.fd)
	}
}

// A flag that records who tore the object down: set to a parameter, not a
// constant, in the body of an if that tests it for its zero value. The
// shape of confidential-containers/cloud-api-adaptor#2014 (sshproxy.go:300
// at f9f1208e, fixed in 76e56780): two goroutines both found terminated
// empty and both closed done.
type sshPeer struct {
	wg         sync.WaitGroup
	terminated string
	done       chan struct{}
}

func (p *sshPeer) Close(who string) {
	if p.terminated == "" {
		p.terminated = who // want `p.terminated is set here after the condition on line 141 read it, before close on line 143`
		close(p.done)
	}
}

// Near-miss: a value set where the flag was not zero is no transition the
// check looks for.
func (p *sshPeer) Rename(who string) {
	if p.terminated != "" {
		p.terminated = who
		close(p.done)
	}
}

// A channel field whose nil-ness is the flag: mailgun/scroll app.go at
// 52553b79 (fixed in 7e8dd38, scroll#52). Run starts the goroutine that
// shuts the server down and stops the app itself when its server returns,
// and so may anyone else; both find done set and close it.
type scrollApp struct {
	once *sync.Once
	done chan struct{}
}

func (app *scrollApp) Run(serve func() error) error {
	app.done = make(chan struct{})
	go func() {
		<-app.done
	}()
	err := serve()
	app.Stop()
	app.Halt()
	app.StopOnce()
	return err
}

func (app *scrollApp) Stop() {
	if app.done != nil {
		close(app.done)
		app.done = nil // want `app.done is set here after the condition on line 178 read it, after close on line 179, in a method of \*scrollApp`
	}
}

// The fix: a Once decides.
func (app *scrollApp) StopOnce() {
	if app.once != nil {
		app.once.Do(func() { close(app.done) })
	}
}

// The same with an early return.
func (app *scrollApp) Halt() {
	if app.done == nil {
		return
	}
	close(app.done)
	app.done = nil // want `app.done is set here after the condition on line 193 read it, after close on line 196`
}

// A plain bool set after the close.
type stopper struct {
	stopped bool
	stop    chan struct{}
}

func (s *stopper) Serve(work func()) {
	go work()
	<-s.stop
	s.Stop()
}

func (s *stopper) Stop() {
	if !s.stopped {
		close(s.stop)
		s.stopped = true // want `s.stopped is set here after the condition on line 213 read it, after close on line 214`
	}
}

// Near-miss: no caller in the package shows a second stopper; the type's
// user calls Close, and Open calls it on its error path.
type device struct {
	read chan []byte
}

func (d *device) Open(start func() error) error {
	d.read = make(chan []byte)
	if err := start(); err != nil {
		d.Close()
		return err
	}
	return nil
}

func (d *device) Close() error {
	if d.read != nil {
		close(d.read)
		d.read = nil
	}
	return nil
}

// Near-miss: under the receiver's lock.
type lockedApp struct {
	mu   sync.Mutex
	done chan struct{}
	conn net.Conn
}

func (app *lockedApp) Run() {
	go app.Stop()
	app.Stop()
	app.Disconnect()
}

func (app *lockedApp) Stop() {
	app.mu.Lock()
	defer app.mu.Unlock()
	if app.done != nil {
		close(app.done)
		app.done = nil
	}
}

// Near-miss: a field cleared after a Close of another type, which may be
// idempotent; and a channel cleared without being closed here (no
// teardown; the send is another race: Stop can close the channel between
// the test and the send, reported by the send-before-clear rule,
// sendclear.go).
func (app *lockedApp) Disconnect() {
	if app.conn != nil {
		app.conn.Close()
		app.conn = nil
	}
	if app.done != nil {
		app.done <- struct{}{} // want `send on app.done after the nil test on line 274, with no lock held: two callers can both pass the test, and the channel can be closed between a test and its send \(teardown.go:259 closes it`
		app.done = nil
	}
}

// Near-miss: the close-once guard of a tracker whose only caller holds the
// lock of the store it belongs to (nats-server's expirationTracker.close,
// called under the DirJWTStore's lock).
type jwtStore struct {
	sync.Mutex
	expiration *tracker
}

type tracker struct {
	closed bool
	quit   chan struct{}
}

func (t *tracker) close() {
	if !t.closed {
		t.closed = true
		close(t.quit)
	}
}

func (s *jwtStore) Close() {
	s.Lock()
	defer s.Unlock()
	s.expiration.close()
}

// Near-miss: a channel cleared after its close on an object loaded from a
// concurrent map, in a function literal: no method shows two stoppers.
type connEntry struct {
	done chan struct{}
}

var liveConns sync.Map

// Stop is exported and Run, which starts a goroutine, calls it; the
// literal inside it is not Stop.
func (e *connEntry) Stop(key string) {
	closeLater(key)
	go func() {
		v, ok := liveConns.Load(key)
		if !ok {
			return
		}
		c := v.(*connEntry)
		if c.done != nil {
			close(c.done)
			c.done = nil
		}
	}()
}

func (e *connEntry) Run(key string) {
	go e.Stop(key)
	e.Stop(key)
}

func closeLater(key string) {
	go func() {
		v, ok := liveConns.Load(key)
		if !ok {
			return
		}
		c := v.(*connEntry)
		if c.done != nil {
			close(c.done)
			c.done = nil
		}
	}()
}
