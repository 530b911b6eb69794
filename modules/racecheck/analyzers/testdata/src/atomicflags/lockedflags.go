package atomicflags

import "sync"

// The flag's check-then-act made of plain accesses, each under the lock:
// read under the lock, the lock released, the channel closed, the flag
// set under the lock taken again. The race detector sees every access
// locked; two Closes both read false and both close.
type lockedCloser struct {
	mu     sync.Mutex
	closed bool
	done   chan struct{}
}

func (c *lockedCloser) Close() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.mu.Unlock()
	close(c.done)
	c.mu.Lock()
	c.closed = true // want `c.closed = true after c.closed on line 17 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(c.done\) on line 22; use one lock held from the check to the store`
	c.mu.Unlock()
}

// The same through a getter and a setter that each lock.
type lockedConn struct {
	mu     sync.RWMutex
	closed bool
	quit   chan struct{}
}

func (c *lockedConn) IsClosed() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.closed
}

func (c *lockedConn) setClosed(v bool) {
	c.mu.Lock()
	c.closed = v
	c.mu.Unlock()
}

func (c *lockedConn) Close() {
	if c.IsClosed() {
		return
	}
	c.setClosed(true) // want `c.setClosed\(true\) after c.IsClosed\(\) on line 48 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(c.quit\) on line 52; use one lock held from the check to the store`
	close(c.quit)
}

// A getter, then the set under the lock.
func (c *lockedConn) Shutdown() {
	if c.IsClosed() {
		return
	}
	c.mu.Lock()
	c.closed = true // want `c.closed = true after c.IsClosed\(\) on line 57 runs only when the check passed`
	c.mu.Unlock()
	close(c.quit)
}

// The fix: one lock held from the check to the set.
func (c *lockedCloser) CloseHeld() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	c.closed = true
	close(c.done)
}

// A second look under the lock the set is made with.
func (c *lockedConn) CloseChecked() {
	if c.IsClosed() {
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.mu.Unlock()
	close(c.quit)
}

// No close on the passing path: setting a flag twice harms nothing.
func (c *lockedConn) MarkClosed() {
	if c.IsClosed() {
		return
	}
	c.setClosed(true)
}

// A reset is not the transition the check looks for.
func (c *lockedConn) Reopen() {
	if c.IsClosed() {
		return
	}
	c.setClosed(false)
	close(c.quit)
}

// An unlocked read is a data race, the race detector's to find.
func (c *lockedCloser) CloseUnlocked() {
	if c.closed {
		return
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	close(c.done)
}

// A local channel taken under the lock closes nothing twice.
func (c *lockedCloser) CloseTaken() {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	done := c.done
	c.done = nil
	c.mu.Unlock()
	if done != nil {
		close(done)
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
}

// apache/cassandra-gocql-driver#423 (conn.go:313 at e136ade^, fixed in
// e136ade): closeWithError looked at Closed(), a getter reading the flag
// into a local under the read lock, then called Close, which sets the flag
// under the lock (returning early when it is set already), and closed
// every pending request's channel; two callers both passed and both
// closed them. The fix swaps an atomic flag.
type cqlConn struct {
	mu       sync.RWMutex
	isClosed bool
	resp     chan error
}

func (c *cqlConn) Closed() bool {
	c.mu.RLock()
	closed := c.isClosed
	c.mu.RUnlock()
	return closed
}

func (c *cqlConn) Close() {
	c.mu.Lock()
	if c.isClosed {
		c.mu.Unlock()
		return
	}
	c.isClosed = true
	c.mu.Unlock()
}

func (c *cqlConn) closeWithError() {
	if c.Closed() {
		return
	}
	c.Close() // want `c.Close\(\) after c.Closed\(\) on line 168 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(c.resp\) on line 172; use one lock held from the check to the store`
	close(c.resp)
}

// olahol/melody (session.go:58 at e21886f^, fixed in e21886f): the getter
// answers the negation of the flag, and the flag is cleared.
type session struct {
	rw     sync.RWMutex
	open   bool
	output chan []byte
}

func (s *session) closed() bool {
	s.rw.RLock()
	defer s.rw.RUnlock()
	return !s.open
}

func (s *session) close() {
	if !s.closed() {
		s.rw.Lock()
		s.open = false // want `s.open = false after s.closed\(\) on line 190 runs only when the check passed`
		close(s.output)
		s.rw.Unlock()
	}
}

// melody's fix: the flag read and cleared under one lock.
func (s *session) closeFixed() {
	s.rw.Lock()
	open := s.open
	s.open = false
	s.rw.Unlock()
	if open {
		close(s.output)
	}
}

// Setting the flag to what the negated getter already answers is no
// transition.
func (s *session) reopen() {
	if s.closed() {
		s.rw.Lock()
		s.open = false
		s.rw.Unlock()
		close(s.output)
	}
}

// A start refused with a sentinel error, the flag checked under the lock
// and set under it taken again, then the goroutine started: two Starts
// both pass, and both serve.

type lockedServer struct {
	mu      sync.Mutex
	started bool
}

func (s *lockedServer) serve() {}

func (s *lockedServer) Start() error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errMultipleStart
	}
	s.mu.Unlock()
	s.mu.Lock()
	s.started = true // want `s.started = true after s.started on line 233 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start goroutines \(s.serve\(\) on line 241\), where the second should have been refused; use one lock held from the check to the store`
	s.mu.Unlock()
	go s.serve()
	return nil
}

// The fix: one lock from the check to the set.
func (s *lockedServer) StartFixed() error {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return errMultipleStart
	}
	s.started = true
	s.mu.Unlock()
	go s.serve()
	return nil
}

// A keeper's state read by a locking getter and set by a locking setter
// that also stores what stops the goroutine the start runs (textbook set
// 10, t11: a lease keeper's Start, idempotent by its documentation): two
// Starts both find it idle, both grant a lease and start a keep-alive
// loop, and the second setRunning overwrites the first's cancel and done,
// so Stop ends only one loop and the other renews its lease forever.
type renewState int

const (
	renewIdle renewState = iota
	renewRunning
)

type renewKeeper struct {
	mu     sync.Mutex
	st     renewState
	id     int64
	cancel func()
	done   chan struct{}
	grant  func(chan struct{}) (int64, error)
}

func (k *renewKeeper) getState() renewState {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.st
}

func (k *renewKeeper) setRunning(id int64, cancel func(), done chan struct{}) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.st, k.id, k.cancel, k.done = renewRunning, id, cancel, done
}

func (k *renewKeeper) keepAlive(ctx chan struct{}, done chan struct{}) {
	defer close(done)
	<-ctx
}

// Start starts keeping a lease alive; it does nothing if already running.
func (k *renewKeeper) Start(ctx chan struct{}) (int64, error) {
	if k.getState() != renewIdle {
		return 0, nil
	}
	id, err := k.grant(ctx)
	if err != nil {
		return 0, err
	}
	kctx := make(chan struct{})
	cancel := func() { close(kctx) }
	done := make(chan struct{})
	k.setRunning(id, cancel, done) // want `k.setRunning\(id, cancel, done\) after k.getState\(\) on line [0-9]+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start goroutines \(k.keepAlive\(kctx, done\) on line [0-9]+\), and the second overwrites k.cancel and k.done, which the first's would be stopped with`
	go k.keepAlive(kctx, done)
	return id, nil
}

// Near-miss: the setter stores the state alone; a second start is the
// idempotent lifecycle call the measured projects make once.
func (k *renewKeeper) setState(st renewState) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.st = st
}

func (k *renewKeeper) StartPlain(ctx chan struct{}) {
	if k.getState() != renewIdle {
		return
	}
	k.setState(renewRunning)
	go k.keepAlive(ctx, make(chan struct{}))
}

// Near-miss: the fix moves idle to running in one critical section.
func (k *renewKeeper) StartFixed(ctx chan struct{}) (int64, error) {
	k.mu.Lock()
	if k.st != renewIdle {
		k.mu.Unlock()
		return 0, nil
	}
	k.st = renewRunning
	k.mu.Unlock()
	id, err := k.grant(ctx)
	if err != nil {
		return 0, err
	}
	kctx := make(chan struct{})
	cancel := func() { close(kctx) }
	done := make(chan struct{})
	k.mu.Lock()
	k.id, k.cancel, k.done = id, cancel, done
	k.mu.Unlock()
	go k.keepAlive(kctx, done)
	return id, nil
}

// Near-miss: the setter's other fields hold no handle (an ID and a time).
func (k *renewKeeper) setRunningID(id int64) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.st, k.id = renewRunning, id
}

func (k *renewKeeper) StartID(ctx chan struct{}) {
	if k.getState() != renewIdle {
		return
	}
	k.setRunningID(1)
	go k.keepAlive(ctx, make(chan struct{}))
}

// A connection state read through a locking getter and moved to
// connecting through a locking setter before the connect loop starts,
// the loop moving it on itself (textbook set 11, t05: two publishers that
// both find the client disconnected start two connect loops, and both
// close ready).
type linkState int

const (
	linkDown linkState = iota
	linkConnecting
	linkUp
)

type linkClient struct {
	mu    sync.Mutex
	state linkState
	ready chan struct{}
	dial  func() error
}

func (c *linkClient) State() linkState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *linkClient) setState(s linkState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
}

func (c *linkClient) ensureConnected() {
	if c.State() != linkDown {
		return
	}
	c.setState(linkConnecting) // want `c.setState\(linkConnecting\) after c.State\(\) on line [0-9]+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start c.connectLoop\(\) on line [0-9]+, which moves c.state on itself: two run at once`
	go c.connectLoop()
}

func (c *linkClient) connectLoop() {
	for c.dial() != nil {
	}
	c.mu.Lock()
	c.state = linkUp
	close(c.ready)
	c.mu.Unlock()
}

// Near-miss: the loop never moves the state; a start made once.
type onceClient struct {
	mu    sync.Mutex
	state linkState
	dial  func() error
}

func (c *onceClient) State() linkState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state
}

func (c *onceClient) setState(s linkState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
}

func (c *onceClient) ensureConnected() {
	if c.State() != linkDown {
		return
	}
	c.setState(linkConnecting)
	go c.connectLoop()
}

func (c *onceClient) connectLoop() {
	for c.dial() != nil {
	}
}
