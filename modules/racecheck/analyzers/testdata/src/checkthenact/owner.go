package checkthenact

// Single-goroutine ownership decided from the code: zeromicro/go-zero's
// TimingWheel (11f21098ddd9, core/collection/timingwheel.go) starts its run
// loop once per wheel and touches its timers only from methods that loop
// calls. Near-misses: a field also touched from the caller's goroutine, a
// loop started by several goroutines, a method also called from outside the
// loop.

import "sync"

type timerEntry struct{ pos int }

type wheel struct {
	timers  sync.Map
	setCh   chan string
	removed int
}

func newWheel() *wheel {
	w := &wheel{setCh: make(chan string)}
	go w.run()
	return w
}

func (w *wheel) run() {
	for k := range w.setCh {
		w.setTask(k)
	}
}

func (w *wheel) setTask(k string) {
	if v, ok := w.timers.Load(k); ok {
		v.(*timerEntry).pos++
		return
	}
	w.timers.Store(k, &timerEntry{})
	w.removed--
}

// The same wheel with a method that also inserts timers from its caller's
// goroutine: the field is no longer the loop's alone, and two goroutines
// insert.
type sharedWheel struct {
	timers sync.Map
	setCh  chan string
}

func newSharedWheel() *sharedWheel {
	w := &sharedWheel{setCh: make(chan string)}
	go w.run()
	return w
}

func (w *sharedWheel) run() {
	for k := range w.setCh {
		w.setTask(k)
	}
}

func (w *sharedWheel) setTask(k string) {
	if _, ok := w.timers.Load(k); !ok {
		w.timers.Store(k, &timerEntry{}) // want `runs only when the check found no entry`
		close(w.setCh)
	}
}

func (w *sharedWheel) Reset(k string) { w.timers.Store(k, &timerEntry{}) }

// A wheel whose timers other goroutines only delete: the loop is the only
// goroutine that inserts, so no two inserts race (the sole inserter).
type cancelWheel struct {
	timers sync.Map
	setCh  chan string
}

func newCancelWheel() *cancelWheel {
	w := &cancelWheel{setCh: make(chan string)}
	go w.run()
	return w
}

func (w *cancelWheel) run() {
	for k := range w.setCh {
		w.setTask(k)
	}
}

func (w *cancelWheel) setTask(k string) {
	if _, ok := w.timers.Load(k); !ok {
		w.timers.Store(k, &timerEntry{})
		close(w.setCh)
	}
}

func (w *cancelWheel) Cancel(k string) { w.timers.Delete(k) }

// Workers started in a loop share the map.
type workerPool struct {
	seen sync.Map
	jobs chan string
}

func startPool(n int) *workerPool {
	p := &workerPool{jobs: make(chan string)}
	for range n {
		go p.work()
	}
	return p
}

func (p *workerPool) work() {
	for k := range p.jobs {
		if _, ok := p.seen.Load(k); !ok {
			p.seen.Store(k, &timerEntry{}) // want `runs only when the check found no entry`
			close(p.jobs)
		}
	}
}

// A method the loop calls but that is also exported to other goroutines.
type calledWheel struct {
	timers sync.Map
	setCh  chan string
}

func newCalledWheel() *calledWheel {
	w := &calledWheel{setCh: make(chan string)}
	go w.run()
	return w
}

func (w *calledWheel) run() {
	for k := range w.setCh {
		w.Set(k)
	}
}

func (w *calledWheel) Set(k string) {
	if _, ok := w.timers.Load(k); !ok {
		w.timers.Store(k, &timerEntry{}) // want `runs only when the check found no entry`
		close(w.setCh)
	}
}

// smallnest/rpcx server/file_transfer.go: the accept loop, started once
// through a sync.Once, is the only place that takes a one-time token;
// other goroutines only add tokens. No two goroutines take one token.
type tokenInfo struct{ args string }

type fileTransfer struct {
	tokens    sync.Map
	startOnce sync.Once
	conns     chan string
}

func (s *fileTransfer) Upload(token, args string) {
	s.tokens.Store(token, &tokenInfo{args: args})
}

func (s *fileTransfer) Start() {
	s.startOnce.Do(func() {
		go s.start()
	})
}

func (s *fileTransfer) start() {
	for token := range s.conns {
		info, ok := s.tokens.Load(token)
		if !ok {
			continue
		}
		s.tokens.Delete(token)
		handle(info.(*tokenInfo).args)
	}
}

func handle(args string) {}

// Another method that takes tokens too: two goroutines can take one.
type sharedTransfer struct {
	tokens    sync.Map
	startOnce sync.Once
	conns     chan string
}

func (s *sharedTransfer) Start() {
	s.startOnce.Do(func() {
		go s.start()
	})
}

func (s *sharedTransfer) start() {
	for token := range s.conns {
		info, ok := s.tokens.Load(token)
		if !ok {
			continue
		}
		s.tokens.Delete(token) // want `takes the loaded entry`
		handle(info.(*tokenInfo).args)
	}
}

func (s *sharedTransfer) Revoke(token string) (*tokenInfo, bool) {
	v, ok := s.tokens.LoadAndDelete(token)
	if !ok {
		return nil, false
	}
	return v.(*tokenInfo), true
}

// Started from a literal that is not a sync.Once's: it may run many times.
type loopedTransfer struct {
	tokens sync.Map
	conns  chan string
}

func (s *loopedTransfer) Start(each func(func())) {
	each(func() {
		go s.start()
	})
}

func (s *loopedTransfer) start() {
	for token := range s.conns {
		info, ok := s.tokens.Load(token)
		if !ok {
			continue
		}
		s.tokens.Delete(token) // want `takes the loaded entry`
		handle(info.(*tokenInfo).args)
	}
}

// TarsCloud/TarsGo tars/endpointmanager.go (cbc345d20356): one loop per
// process, started through a package-level sync.Once, checks every
// endpoint manager and queues a failing endpoint for a health check once;
// request goroutines only take the queued endpoint back out. The loop calls
// checkStatus on other receivers than its own, which counts because the
// loop runs once per process.
type endpointManager struct {
	checkList sync.Map
	checkCh   chan string
}

type globalManager struct {
	mu  sync.Mutex
	eps []*endpointManager
}

var (
	managerOnce sync.Once
	manager     *globalManager
)

func initManager() {
	managerOnce.Do(func() {
		manager = &globalManager{}
		go manager.checkLoop()
	})
}

func (g *globalManager) checkLoop() {
	for {
		g.mu.Lock()
		eps := append([]*endpointManager(nil), g.eps...)
		g.mu.Unlock()
		for _, e := range eps {
			e.checkStatus("ep")
		}
	}
}

func (e *endpointManager) checkStatus(key string) {
	if _, ok := e.checkList.Load(key); !ok {
		e.checkList.Store(key, true)
		e.checkCh <- key
	}
}

func (e *endpointManager) Select() string {
	select {
	case key := <-e.checkCh:
		e.checkList.Delete(key)
		return key
	default:
		return ""
	}
}

// The same loop started through a sync.Once that is a field: one loop per
// manager, and each calls checkStatus on every endpoint manager, so two
// loops insert into one endpoint's list.
type perManager struct {
	once sync.Once
	eps  []*perEndpoint
}

type perEndpoint struct {
	checkList sync.Map
	checkCh   chan string
}

func (g *perManager) Start() {
	g.once.Do(func() {
		go g.checkLoop()
	})
}

func (g *perManager) checkLoop() {
	for _, e := range g.eps {
		e.checkStatus("ep")
	}
}

func (e *perEndpoint) checkStatus(key string) {
	if _, ok := e.checkList.Load(key); !ok {
		e.checkList.Store(key, true) // want `runs only when the check found no entry`
		e.checkCh <- key
	}
}

// A loop started from init runs once per process too; its endpoints are
// the loop's alone to insert into, unless another goroutine inserts as well
// (Mark).
type loopManager struct {
	eps    []*initEndpoint
	marked []*markedEndpoint
}

type initEndpoint struct{ checkList sync.Map }

type markedEndpoint struct{ checkList sync.Map }

var initMgr = &loopManager{}

func init() { go initMgr.checkLoop() }

func (g *loopManager) checkLoop() {
	for _, e := range g.eps {
		e.checkStatus("ep")
	}
	for _, e := range g.marked {
		e.checkStatus("ep")
	}
}

func (e *initEndpoint) checkStatus(key string) {
	if _, ok := e.checkList.Load(key); !ok {
		e.checkList.Store(key, true)
		println(key)
	}
}

func (e *initEndpoint) Unmark(key string) { e.checkList.Delete(key) }

func (e *markedEndpoint) checkStatus(key string) {
	if _, ok := e.checkList.Load(key); !ok {
		e.checkList.Store(key, true) // want `runs only when the check found no entry`
		println(key)
	}
}

func (e *markedEndpoint) Mark(key string) { e.checkList.Store(key, false) }

// A sync.Once local to the function starting the loop runs its literal on
// every call: one loop per call.
type localOnceManager struct{ eps []*localOnceEndpoint }

type localOnceEndpoint struct{ checkList sync.Map }

func (g *localOnceManager) Start() {
	var once sync.Once
	once.Do(func() {
		go g.checkLoop()
	})
}

func (g *localOnceManager) checkLoop() {
	for _, e := range g.eps {
		e.checkStatus("ep")
	}
}

func (e *localOnceEndpoint) checkStatus(key string) {
	if _, ok := e.checkList.Load(key); !ok {
		e.checkList.Store(key, true) // want `runs only when the check found no entry`
		println(key)
	}
}
