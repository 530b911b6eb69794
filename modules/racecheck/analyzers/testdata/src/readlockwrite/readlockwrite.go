// Package readlockwrite holds the analyzer's cases: real bug shapes, each
// citing the public bug it comes from, and near-misses that must stay
// quiet.
package readlockwrite

import (
	"container/list"
	"strconv"
	"sync"
	"sync/atomic"
)

// slot is dankomiocevic/ghoti's atomicSlot at f65ca7f (fixed by PR #87): a
// counter incremented under the read lock, so two readers hand out the
// same "unique" value.
type slot struct {
	mu    sync.RWMutex
	value int64
}

func (a *slot) Read() string {
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.value == 1<<62 {
		a.value = 0 // want `a.value is written while only a.mu's read lock \(RLock on line 22\) is held`
	} else {
		a.value++ // want `a.value is written while only a.mu's read lock`
	}
	return strconv.FormatInt(a.value, 10)
}

func (a *slot) Write(v int64) {
	a.mu.Lock()
	a.value = v
	a.mu.Unlock()
}

// bucket is couchbaselabs/walrus's lolrus at 800960b (fixed by 9a3a3f6,
// PR #16): Incr takes the write lock when it changes the counter and the
// read lock when amt is 0, yet inserts a missing key on both paths.
type bucket struct {
	lock    sync.RWMutex
	docs    map[string][]byte
	lastSeq uint64
}

func (b *bucket) nextSequence() uint64 {
	b.lastSeq++
	return b.lastSeq
}

func (b *bucket) Incr(k string, amt uint64) uint64 {
	if amt != 0 {
		b.lock.Lock()
		defer b.lock.Unlock()
	} else {
		b.lock.RLock()
		defer b.lock.RUnlock()
	}
	n, _ := strconv.ParseUint(string(b.docs[k]), 10, 64)
	if b.docs[k] != nil && amt == 0 {
		return n
	}
	n += amt
	b.docs[k] = []byte(strconv.FormatUint(n, 10)) // want `b.docs is written while only b.lock's read lock \(RLock on line 57\) is held: .* the package writes b.docs with b.lock's write lock held on another path to this line`
	_ = b.nextSequence()                          // want `b.lastSeq is written by nextSequence \(readlockwrite.go:48\) while only b.lock's read lock`
	return n
}

// users is go-micro's examples/mcp/platform Users at 77fc793d5bab: Login
// records a session token in a Go map under the read lock.
type users struct {
	mu     sync.RWMutex
	names  map[string]string
	tokens map[string]string
}

func (s *users) Login(name, token string) bool {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if _, ok := s.names[name]; !ok {
		return false
	}
	s.tokens[token] = name // want `s.tokens is written while only s.mu's read lock .* "concurrent map writes"`
	return true
}

func (s *users) Logout(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

func (s *users) Expire(token string) {
	s.mu.RLock()
	delete(s.tokens, token) // want `s.tokens is written while only s.mu's read lock`
	s.mu.RUnlock()
}

// registry embeds its RWMutex.
type registry struct {
	sync.RWMutex
	names []string
}

func (r *registry) Add(n string) {
	r.Lock()
	r.names = append(r.names, n)
	r.Unlock()
}

func (r *registry) AddIfMissing(n string) {
	r.RLock()
	defer r.RUnlock()
	for _, m := range r.names {
		if m == n {
			return
		}
	}
	r.names = append(r.names, n) // want `r.names is written while only r's read lock`
}

var (
	seenMu sync.RWMutex
	seen   = map[string]bool{}
)

func markSeen(k string) {
	seenMu.Lock()
	seen[k] = true
	seenMu.Unlock()
}

func seenOnce(k string) bool {
	seenMu.RLock()
	defer seenMu.RUnlock()
	if seen[k] {
		return true
	}
	seen[k] = true // want `seen is written while only seenMu's read lock`
	return false
}

// block is nats-server's msgBlock before 89bbc2973: every write of its
// cache is in a function documented as called with the lock held, and
// cacheSize loads the cache under the read lock.
type block struct {
	mu     sync.RWMutex
	cache  []byte
	loaded int
}

// Lock should be held.
func (mb *block) expireCacheLocked() {
	mb.cache = nil
}

// Lock should be held.
func (mb *block) applyLoaded(n int) {
	mb.loaded = n
}

func cacheSize(blks []*block) int {
	sz := 0
	for _, mb := range blks {
		mb.mu.RLock()
		if mb.cache == nil {
			mb.cache = make([]byte, 8) // want `mb.cache is written while only mb.mu's read lock .* in a function documented as called with the lock held \(line \d+\)`
		}
		sz += len(mb.cache)
		mb.mu.RUnlock()
	}
	return sz
}

// checkLoaded is nats-server's checkInterestState before 47459ccb7: it
// calls applyLoaded, which writes the block, under the read lock.
func checkLoaded(mb *block) {
	mb.mu.RLock()
	if mb.loaded == 0 {
		mb.applyLoaded(1) // want `mb.loaded is written by applyLoaded .* while only mb.mu's read lock`
	}
	mb.mu.RUnlock()
}

// benchmarkServer is grpc-go's benchmark worker before c4f881c35: the
// fields after mu are set when the server is made and reset under the read
// lock, never written under the write lock.
type benchmarkServer struct {
	port            int
	mu              sync.RWMutex
	lastResetTime   int64
	rusageLastReset []int64
}

func (bs *benchmarkServer) getStats(reset bool, now int64) int64 {
	bs.mu.RLock()
	defer bs.mu.RUnlock()
	elapsed := now - bs.lastResetTime
	if reset {
		bs.lastResetTime = now   // want `bs.lastResetTime is written while only bs.mu's read lock .* nowhere with a lock held, but declares it in the group of fields that follows mu \(line \d+\)`
		bs.rusageLastReset = nil // want `bs.rusageLastReset is written while only bs.mu's read lock`
	}
	return elapsed
}

// lruCache is go-ethereum's SizeConstrainedLRU before 8334b5f51a: Get
// moves the entry to the front of the list under the read lock.
type lruCache struct {
	lock  sync.RWMutex
	ll    *list.List
	items map[string]*list.Element
}

func (c *lruCache) Add(k string) {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.items[k] = c.ll.PushFront(k)
}

func (c *lruCache) Get(k string) bool {
	c.lock.RLock()
	defer c.lock.RUnlock()
	e, ok := c.items[k]
	if ok {
		c.ll.MoveToFront(e) // want `c.ll.MoveToFront\(…\) changes c.ll while only c.lock's read lock .* corrupts its links`
	}
	return ok
}

func (c *lruCache) Len() int {
	c.lock.RLock()
	defer c.lock.RUnlock()
	return c.ll.Len()
}

// stream is nats-server's stream between 8fa4916e2 and 1242c2161: the
// recovery sets the last sequence under the read lock. The template it
// writes first, with no lock, does not make the stream owner-only: that
// write is not made under the read lock.
type stream struct {
	mu sync.RWMutex // Read/write lock for the stream.

	pubAck []byte
	lseq   uint64
}

func (mset *stream) store(seq uint64) {
	mset.mu.Lock()
	mset.lseq = seq
	mset.mu.Unlock()
}

func (mset *stream) recover(name string, last uint64) {
	mset.pubAck = []byte(name)
	mset.mu.RLock()
	mset.lseq = last // want `mset.lseq is written while only mset.mu's read lock`
	mset.mu.RUnlock()
}

// Near-misses.

// upgrade releases the read lock and takes the write lock before writing.
func (s *users) upgrade(name, token string) {
	s.mu.RLock()
	_, ok := s.tokens[token]
	s.mu.RUnlock()
	if ok {
		return
	}
	s.mu.Lock()
	s.tokens[token] = name
	s.mu.Unlock()
}

// matchCached is nats-server's Sublist.match: it takes the write lock when
// the cache is on and the read lock when it is off, and writes the cache
// only when it is on. The branch on cacheEnabled is read path by path.
func (s *users) matchCached(name string, doLock bool) {
	cacheEnabled := s.tokens != nil
	if doLock {
		if cacheEnabled {
			s.mu.Lock()
		} else {
			s.mu.RLock()
		}
	}
	if cacheEnabled {
		s.tokens[name] = name
	}
	if doLock {
		if cacheEnabled {
			s.mu.Unlock()
		} else {
			s.mu.RUnlock()
		}
	}
}

// refreshTokens runs with the server lock held, which serialises it
// (nats-server's updateVarzRuntimeFields: "Server lock is held on entry").
// Server lock is held on entry.
func (s *users) refreshTokens(name string) {
	s.mu.RLock()
	s.tokens[name] = name
	s.mu.RUnlock()
}

// rows is database/sql's Rows as copied by seata-go (ScanRows): its owner
// calls Next and NextResultSet, writing lastcols, which no lock guards,
// and lasterr under the read lock, which keeps a Close from another
// goroutine (under the write lock) out. nextLocked's name says a lock is
// held, not which one nor in which mode (here: the read lock).
type rows struct {
	// closemu guards lasterr.
	closemu sync.RWMutex
	lasterr error

	// lastcols is only used by Next and NextResultSet, which are not
	// called concurrently.
	lastcols []string
}

func (rs *rows) Next(next func([]string) error) bool {
	rs.closemu.RLock()
	defer rs.closemu.RUnlock()
	return rs.nextLocked(next)
}

func (rs *rows) nextLocked(next func([]string) error) bool {
	if rs.lastcols == nil {
		rs.lastcols = make([]string, 4)
	}
	rs.lasterr = next(rs.lastcols)
	return rs.lasterr == nil
}

func (rs *rows) NextResultSet(next func() error) bool {
	rs.closemu.RLock()
	defer rs.closemu.RUnlock()
	rs.lastcols = nil
	rs.lasterr = next()
	return rs.lasterr == nil
}

func (rs *rows) Close(err error) {
	rs.closemu.Lock()
	defer rs.closemu.Unlock()
	if rs.lasterr == nil {
		rs.lasterr = err
	}
}

// stats counts hits under the read lock, and nothing writes hits under the
// write lock: the increment itself is the evidence, a read and a write
// that every reader makes at once. last is assigned under the read lock
// and nowhere else: the analyzer does not guess what guards it.
type stats struct {
	mu    sync.RWMutex
	items map[string]int

	hits int
	last string
}

func (s *stats) Get(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.hits++ // want `s.hits is written while only s.mu's read lock \(RLock on line \d+\) is held: .*; an increment reads and writes s.hits, and the holders of a read lock make it at once, so take Lock here or make it an atomic`
	return s.items[k]
}

func (s *stats) Peek(k string) int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	s.last = k
	return s.items[k]
}

func (s *stats) Put(k string, v int) {
	s.mu.Lock()
	s.items[k] = v
	s.mu.Unlock()
}

// gauge's atomic field synchronises itself.
type gauge struct {
	mu   sync.RWMutex
	last atomic.Int64
	vals map[string]int64
}

func (g *gauge) Observe(k string) int64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	g.last.Store(g.vals[k])
	return g.vals[k]
}

func (g *gauge) Set(k string, v int64) {
	g.mu.Lock()
	g.vals[k] = v
	g.last.Store(v)
	g.mu.Unlock()
}

// spawn's goroutine runs after the read lock is released: a function
// literal is its own function.
func (s *users) spawn(token string) {
	s.mu.RLock()
	go func() {
		s.mu.Lock()
		s.tokens[token] = token
		s.mu.Unlock()
	}()
	s.mu.RUnlock()
}

// exclusive holds another lock that serialises the writers.
func (s *users) exclusive(other *sync.Mutex, token string) {
	other.Lock()
	s.mu.RLock()
	s.tokens[token] = token
	s.mu.RUnlock()
	other.Unlock()
}

// syncMgr is ontology's BlockSyncMgr before 5bbbd538: getNextNodeId moves
// its round-robin cursor under the read lock, so two callers get the same
// node and skip another. Nothing writes the cursor under the write lock;
// the reset is an assignment, which alone says nothing, the increment is
// reported.
type syncMgr struct {
	nodeList      []uint64
	nextNodeIndex int // index for polling nodes

	lock sync.RWMutex
}

func (m *syncMgr) addNode(id uint64) {
	m.lock.Lock()
	m.nodeList = append(m.nodeList, id)
	m.lock.Unlock()
}

func (m *syncMgr) getNextNodeID() uint64 {
	m.lock.RLock()
	defer m.lock.RUnlock()
	if len(m.nodeList) == 0 {
		return 0
	}
	if m.nextNodeIndex >= len(m.nodeList) {
		m.nextNodeIndex = 0
	}
	index := m.nextNodeIndex
	m.nextNodeIndex++ // want `m.nextNodeIndex is written while only m.lock's read lock .* an increment reads and writes m.nextNodeIndex`
	return m.nodeList[index]
}
