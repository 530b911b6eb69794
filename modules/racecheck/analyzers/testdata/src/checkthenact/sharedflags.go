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

// influxdata/telegraf plugins/inputs/phpfpm/phpfpm.go at 1621a258 (fixed
// in 81ec33c5, telegraf#7738): Gather gathers each server in a goroutine
// of its own, which calls gatherServer on the plugin; gatherServer made
// the plugin's HTTP client on first use. Two servers: two clients, one
// written while the other goroutine reads the field.
type phpfpmInput struct {
	urls   []string
	client *phpfpmClient
}

type phpfpmClient struct {
	transport *phpfpmTransport
	timeout   time.Duration
}

type phpfpmTransport struct{ insecure bool }

func (g *phpfpmInput) errorf(err error) {}

func (g *phpfpmInput) Gather() {
	var wg sync.WaitGroup
	for _, u := range g.urls {
		wg.Add(1)
		go func(serv string) {
			defer wg.Done()
			g.errorf(g.gatherServer(serv))
		}(u)
	}
	wg.Wait()
}

func (g *phpfpmInput) gatherServer(serv string) error {
	if g.client == nil {
		tr := &phpfpmTransport{}
		g.client = &phpfpmClient{transport: tr, timeout: time.Second} // want `g.client is set here after the condition on line \d+ read it, in gatherServer, which a go statement runs \(sharedflags.go:\d+\), so each run of that statement starts another goroutine on it, with no lock held`
	}
	_ = serv
	return nil
}

// Near-miss: a literal a go statement runs that calls the method on an
// object it makes itself starts one goroutine per object.
func (g *phpfpmInput) gatherEach() {
	for _, u := range g.urls {
		go func(serv string) {
			own := &phpfpmInput{urls: []string{serv}}
			own.gatherOwn(serv)
		}(u)
	}
}

func (g *phpfpmInput) gatherOwn(serv string) {
	if g.client == nil {
		tr := &phpfpmTransport{}
		g.client = &phpfpmClient{transport: tr}
	}
	_ = serv
}

// juicedata/juicefs pkg/chunk/cached_store.go at 6126eea9 (fixed in
// 8180ac33, juicefs#6697): the pending items are kept in a Go map under
// pendingMutex, but an item's uploading flag is tested and set after the
// lock is released; the background scan and a writer can both find it
// false and both send the item to the uploaders.
type pendingItem struct {
	key       string
	uploading bool
}

type stagingStore struct {
	pendingMutex sync.Mutex
	pendingKeys  map[string]*pendingItem
	pendingCh    chan *pendingItem
}

func (s *stagingStore) scanDelayedStaging() {
	s.pendingMutex.Lock()
	defer s.pendingMutex.Unlock()
	for _, item := range s.pendingKeys {
		s.pendingMutex.Unlock()
		if !item.uploading {
			item.uploading = true // want `item.uploading is set here after the condition on line \d+ read it, on an object read from s.pendingKeys under a lock, which every goroutine reading it there shares, with no lock held`
			s.pendingCh <- item
		}
		s.pendingMutex.Lock()
	}
}

func (s *stagingStore) upload(key string) {
	s.pendingMutex.Lock()
	item := s.pendingKeys[key]
	s.pendingMutex.Unlock()
	if item != nil && !item.uploading {
		item.uploading = true // want `item.uploading is set here after the condition on line \d+ read it, on an object read from s.pendingKeys under a lock`
		s.pendingCh <- item
	}
}

// Near-miss: an item taken out of the map (read and deleted under the
// lock) is the taker's alone.
func (s *stagingStore) take(key string) {
	s.pendingMutex.Lock()
	item := s.pendingKeys[key]
	delete(s.pendingKeys, key)
	s.pendingMutex.Unlock()
	if item != nil && !item.uploading {
		item.uploading = true
		s.pendingCh <- item
	}
}

// Near-miss: the flag tested and set before the lock is released.
func (s *stagingStore) uploadLocked(key string) {
	s.pendingMutex.Lock()
	defer s.pendingMutex.Unlock()
	item := s.pendingKeys[key]
	if item != nil && !item.uploading {
		item.uploading = true
		s.pendingCh <- item
	}
}

// Near-miss: a map read with no lock says nothing of other goroutines.
func (s *stagingStore) uploadUnguarded(pending map[string]*pendingItem, key string) {
	item := pending[key]
	if item != nil && !item.uploading {
		item.uploading = true
		s.pendingCh <- item
	}
}

// Near-miss: an entry read under the lock by the key its caller serves,
// whose flag no other function reads or sets, is that key's goroutine's
// (gev's websocket example keeps one session per connection, and only
// the connection's own OnMessage tests and clears its first flag).
type wsSession struct {
	first bool
	uri   string
}

type wsServer struct {
	mu       sync.Mutex
	sessions map[string]*wsSession
}

func (s *wsServer) OnConnect(conn string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[conn] = &wsSession{first: true}
}

func (s *wsServer) OnMessage(conn, uri string) {
	s.mu.Lock()
	session, ok := s.sessions[conn]
	s.mu.Unlock()
	if !ok {
		return
	}
	if session.first {
		session.first = false
		session.uri = uri
	}
}

// Near-miss: a goroutine whose loop serves one object (a parser's) is the
// object's one goroutine, however often the function starting it runs.
type lineParser struct {
	argBuf []byte
	lines  chan string
}

func (p *lineParser) serve() {
	go func() {
		for line := range p.lines {
			p.parse(line)
		}
	}()
}

func (p *lineParser) parse(line string) {
	if p.argBuf == nil {
		p.argBuf = make([]byte, 0, len(line))
		p.argBuf = append(p.argBuf, line...)
	}
}

// Near-miss: gatherLocal is run by a goroutine only in the package's
// tests (benign_test.go), each on the test's own input.
func (g *phpfpmInput) gatherLocal(serv string) {
	if g.client == nil {
		tr := &phpfpmTransport{}
		g.client = &phpfpmClient{transport: tr}
	}
	_ = serv
}
