// Package atomicflags holds check-then-act on one atomic variable: a flag
// or state loaded, then stored, with an action between or after that must
// happen once. Real bugs, their fixes and near-misses.
package atomicflags

import (
	"net"
	"sync"
	"sync/atomic"
)

// emitter-io/emitter internal/broker/conn.go at 77c6642 (fixed in
// 0026981, emitter#372): Track, called from every message handler of a
// connection, counts the device once per connection; two handlers that
// both load 0 both count it. Not reported: only a close after the check
// is (on the projects measured, flags before other actions guarded
// lifecycle methods called once; docs/vet.md).
type meter struct {
	mu      sync.Mutex
	devices map[string]int
}

func (m *meter) AddDevice(addr string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.devices[addr]++
}

type conn struct {
	tracked uint32
	socket  net.Conn
}

func (c *conn) Track(m *meter) {
	if atomic.LoadUint32(&c.tracked) == 0 {
		m.AddDevice(c.socket.RemoteAddr().String())
		atomic.StoreUint32(&c.tracked, 1)
	}
}

// The fix: the flag claimed in one step.
func (c *conn) TrackFixed(m *meter) {
	if atomic.CompareAndSwapUint32(&c.tracked, 0, 1) {
		m.AddDevice(c.socket.RemoteAddr().String())
	}
}

// topfreegames/pitaya agent.go at 8c9df05 (fixed in 252ecec, pitaya#86): Close
// reads the state through a getter and sets it through a setter, then
// closes the agent's channels; two Closes both pass and the second close
// of a channel panics.
const (
	statusWorking int32 = iota
	statusClosed
)

type agent struct {
	state  int32
	chDie  chan struct{}
	chStop chan struct{}
}

func (a *agent) getStatus() int32  { return atomic.LoadInt32(&a.state) }
func (a *agent) setStatus(s int32) { atomic.StoreInt32(&a.state, s) }

func (a *agent) Close() {
	if a.getStatus() == statusClosed {
		return
	}
	a.setStatus(statusClosed) // want `a.setStatus\(statusClosed\) after a.getStatus\(\) on line 67 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(a.chStop\) on line 71; use CompareAndSwap, and go on only when it succeeds`
	close(a.chStop)
	close(a.chDie)
}

// The fix: swap the state and go on only if this call changed it.
func (a *agent) CloseFixed() {
	if atomic.SwapInt32(&a.state, statusClosed) == statusClosed {
		return
	}
	close(a.chStop)
	close(a.chDie)
}

// A typed atomic.Bool guarding a stop: two Stops both pass, both store
// false, and the second close of quit panics.
type server struct {
	running atomic.Bool
	quit    chan struct{}
}

func (s *server) loop() {}

func (s *server) Stop() {
	if !s.running.Load() {
		return
	}
	s.running.Store(false) // want `s.running.Store\(false\) after s.running.Load\(\) on line 94 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(s.quit\) on line 98; use CompareAndSwap, and go on only when it succeeds`
	close(s.quit)
}

// Near-miss: the store is not the transition the check looks for (a
// counter reset where it was already zero).
type retrier struct {
	failed atomic.Int32
	done   chan struct{}
}

func (r *retrier) Finish() {
	if r.failed.Load() > 0 {
		return
	}
	r.failed.Store(0)
	close(r.done)
}

// Near-miss: a flag set where it is not set, with nothing after it that
// must happen once; two callers store the same true.
func (s *server) MarkRunning() {
	if !s.running.Load() {
		s.running.Store(true)
	}
	s.loop() // runs whatever the check found
}

// Near-miss: under one lock held across the check and the store.
type guarded struct {
	mu      sync.Mutex
	started atomic.Bool
	quit    chan struct{}
}

func (g *guarded) Stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.started.Load() {
		return
	}
	g.started.Store(false)
	close(g.quit)
}

// Near-miss: a second look under the lock the store is made with
// (nats-server's filestore stop checks fs.closing under fs.mu).
type store struct {
	mu      sync.Mutex
	closing bool
	closed  atomic.Bool
	qch     chan struct{}
}

func (s *store) Stop() {
	if s.closed.Load() {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing {
		return
	}
	s.closing = true
	close(s.qch)
	s.closed.Store(true)
}

// Near-miss: a value computed from the loaded one (a moving average) is
// not reported; its loss is an estimate's, accepted where measured.
type ewma struct{ lag atomic.Int64 }

func (e *ewma) Observe(v int64) {
	old := e.lag.Load()
	e.lag.Store((old*7 + v) / 8)
}

// nats-io/nats-server server/server.go at d48f5628b^ (fixed in d48f5628b,
// "Make server shutdown idempotent"): Shutdown checks isShuttingDown,
// then, later, stores the flag and closes quitCh; two concurrent Shutdowns
// both pass and the second close of quitCh panics.
type natsServer struct {
	mu       sync.Mutex
	shutdown atomic.Bool
	running  atomic.Bool
	quitCh   chan struct{}
}

func (s *natsServer) isShuttingDown() bool { return s.shutdown.Load() }

func (s *natsServer) Shutdown() {
	if s.isShuttingDown() {
		return
	}
	s.mu.Lock()
	s.shutdown.Store(true) // want `s.shutdown.Store\(true\) after s.isShuttingDown\(\) on line [0-9]+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(s.quitCh\) on line [0-9]+; use CompareAndSwap, and go on only when it succeeds`
	s.running.Store(false)
	s.mu.Unlock()
	close(s.quitCh)
}

// The fix: the flag claimed first, in one step.
func (s *natsServer) ShutdownFixed() {
	if !s.shutdown.CompareAndSwap(false, true) {
		return
	}
	s.mu.Lock()
	s.running.Store(false)
	s.mu.Unlock()
	close(s.quitCh)
}

// Near-miss: the channel closed is a local one, taken from shared state
// and cleared under a lock (nats-server's shutdownJetStream closes the
// qch it swapped out): a second goroutine finds nil and closes nothing.
type cluster struct {
	mu  sync.Mutex
	on  atomic.Bool
	qch chan struct{}
}

func (c *cluster) Stop() {
	if !c.on.Load() {
		return
	}
	c.on.Store(false)
	c.mu.Lock()
	qch := c.qch
	c.qch = nil
	c.mu.Unlock()
	if qch != nil {
		close(qch)
	}
}

// Near-miss, and a regression: the store inside a range loop whose header
// block holds no node (a branch whose lock state was once read at index
// -1); what each iteration closes is a local channel.
type fanout struct {
	closed atomic.Bool
	subs   []chan struct{}
}

func (f *fanout) CloseAll() {
	if f.closed.Load() {
		return
	}
	for _, ch := range f.subs {
		f.closed.Store(true)
		close(ch)
	}
}

// nutsdb status_manager.go at 5ee3eaf: Close claims closing with a
// CompareAndSwap between the check of closed and its Store; the losers
// wait, and one goroutine alone stores closed and closes the channel.
type statusManager struct {
	closed   atomic.Bool
	closing  atomic.Bool
	closedCh chan struct{}
}

func (sm *statusManager) Close() {
	if sm.closed.Load() {
		return
	}
	if !sm.closing.CompareAndSwap(false, true) {
		<-sm.closedCh
		return
	}
	sm.closed.Store(true)
	close(sm.closedCh)
}

// A CompareAndSwap whose loser goes on to the store anyway separates
// nothing.
func (sm *statusManager) closeLoserToo(note func()) {
	if sm.closed.Load() {
		return
	}
	if !sm.closing.CompareAndSwap(false, true) {
		note()
	}
	sm.closed.Store(true) // want `sm.closed.Store\(true\) after sm.closed.Load\(\) on line 274 runs only when the check passed`
	close(sm.closedCh)
}
