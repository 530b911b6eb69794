package checkthenact

// A flag of an object loaded from a concurrent map, checked and set with
// plain reads and writes.

import (
	"sync"
	"sync/atomic"
	"time"
)

// valyala/fasthttp tcpdialer.go at 6d4db9b^ (fixed in 6d4db9b): the
// entry's pending flag lets one goroutine re-resolve an expired address;
// every goroutine that reads it false before the first sets it
// re-resolves.
type dnsEntry struct {
	addrs       []string
	resolveTime time.Time
	pending     bool
}

type dialer struct {
	addrs    sync.Map
	cacheFor time.Duration
}

func (d *dialer) lookup(addr string) []string {
	item, exist := d.addrs.Load(addr)
	e, ok := item.(*dnsEntry)
	if exist && ok && e != nil && !e.pending && time.Since(e.resolveTime) > d.cacheFor {
		e.pending = true // want `e.pending is set here after the condition on line 30 read it, on an object loaded from d.addrs, which every goroutine loading addr shares, with no lock held: two goroutines can both pass the check before either sets it`
		e = nil
	}
	if e == nil {
		// The refill is a check-then-act of its own (two misses both
		// resolve; debatable on fasthttp, docs/vet.md).
		e = &dnsEntry{addrs: resolve(addr), resolveTime: time.Now()}
		d.addrs.Store(addr, e) // want `d.addrs.Store\(addr\) after d.addrs.Load\(addr\) on line 28 is decided by the loaded value`
	}
	return e.addrs
}

func resolve(addr string) []string { return []string{addr} }

// A body that only resets the flag repeats nothing a second goroutine
// would not.
func (d *dialer) failed(addr string) {
	item, exist := d.addrs.Load(addr)
	e, ok := item.(*dnsEntry)
	if exist && ok && e != nil && e.pending {
		e.pending = false
	}
}

// The fix: the flag is an int32 swapped atomically.
type dnsEntryFixed struct {
	addrs       []string
	resolveTime time.Time
	pending     int32
}

type dialerFixed struct {
	addrs    sync.Map
	cacheFor time.Duration
}

func (d *dialerFixed) lookup(addr string) []string {
	item, _ := d.addrs.Load(addr)
	e, _ := item.(*dnsEntryFixed)
	if e != nil && time.Since(e.resolveTime) > d.cacheFor {
		if atomic.SwapInt32(&e.pending, 1) == 0 {
			e = nil
		}
	}
	if e == nil {
		return resolve(addr)
	}
	return e.addrs
}

// Near-miss: the object's own lock held across the check and the set.
type startEntry struct {
	mu      sync.Mutex
	started bool
}

type starter struct{ entries sync.Map }

func (s *starter) start(k string) bool {
	v, ok := s.entries.Load(k)
	if !ok {
		return false
	}
	e := v.(*startEntry)
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.started {
		e.started = true
		return true
	}
	return false
}

// ethpandaops/spamoor daemon/spammer.go at d0200d0^ (fixed in d0200d0,
// spamoor#268): Start runs the scenario with a go statement, and the
// scenario runs once at a time by a plain flag. Two Starts start two
// goroutines that both read false; both run, and both close runningChan.
type spammer struct {
	running     bool
	runningChan chan struct{}
}

func (s *spammer) Start() {
	go s.runScenario()
}

func (s *spammer) runScenario() {
	if s.running {
		return
	}
	s.running = true // want `s.running is set here after the condition on line 118 read it, in runScenario, which a go statement runs \(sharedflags.go:114\), so each run of that statement starts another goroutine on it, with no lock held`
	s.runningChan = make(chan struct{})
	defer func() {
		close(s.runningChan)
		s.running = false
	}()
}

// The fix: an atomic flag claimed with CompareAndSwap.
type spammerFixed struct {
	running     atomic.Bool
	runningChan chan struct{}
}

func (s *spammerFixed) Start() {
	go s.runScenario()
}

func (s *spammerFixed) runScenario() {
	if !s.running.CompareAndSwap(false, true) {
		return
	}
	s.runningChan = make(chan struct{})
	defer func() {
		close(s.runningChan)
		s.running.Store(false)
	}()
}

// Near-miss: the same guard in a method no go statement runs (a caller's
// own goroutine decides).
func (s *spammer) runInline() {
	if s.running {
		return
	}
	s.running = true
	s.runningChan = make(chan struct{})
}

// Near-miss: the guard under the receiver's lock.
type lockedSpammer struct {
	mu      sync.Mutex
	running bool
}

func (s *lockedSpammer) Start() {
	go s.runScenario()
}

func (s *lockedSpammer) runScenario() {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
}

// Near-miss: a go statement on an object the function makes itself starts
// one goroutine per object (go-micro gateway/mcp's Serve and its
// watchServices at 77fc793d5bab).
type mcpServer struct{ watching bool }

func serveMCP() *mcpServer {
	server := &mcpServer{}
	go server.watchServices()
	return server
}

func (s *mcpServer) watchServices() {
	if s.watching {
		return
	}
	s.watching = true
	for range time.Tick(time.Second) {
	}
}

// Near-miss: a goroutine's own loop toggling its state is no guard on its
// entry (frp client/health's monitor at 40274d8c9224).
type healthMonitor struct {
	statusOK bool
	onNormal func()
}

func (m *healthMonitor) Start() {
	go m.checkWorker()
}

func (m *healthMonitor) checkWorker() {
	for range time.Tick(time.Second) {
		if !m.statusOK && m.onNormal != nil {
			m.statusOK = true
			m.onNormal()
		}
	}
}
