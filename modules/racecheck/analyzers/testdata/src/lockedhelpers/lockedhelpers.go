// Package lockedhelpers holds check-then-act on Go maps through helpers
// that each take the map's lock themselves, reported without -plainmaps:
// real bugs, their fixes, and near-misses.
package lockedhelpers

import (
	"errors"
	"sync"
	"time"
)

// Helpers that each take the map's lock themselves: a getter that reads the
// entry under the lock and releases it, then a delete under the lock taken
// again, with nothing looking again in between. Every call is atomic; the
// pair is not.

// seaweedfs/seaweedfs weed/mount/posix_file_lock.go at c1ccbe97dd1c (fixed
// in 1c130c2d476c, seaweedfs#9128): the inode's lock state is got (or
// created) under plt.mu, changed, then deleted under plt.mu taken again when
// it holds no locks; another goroutine's cleanup and get-or-create can put a
// new state there in between, which this delete removes while a flock is
// held on it.
type rangeLock struct{ start, end uint64 }

type inodeLocks struct {
	mu    sync.Mutex
	locks []rangeLock
}

type posixLockTable struct {
	mu     sync.Mutex
	inodes map[uint64]*inodeLocks
}

func (plt *posixLockTable) getOrCreateInodeLocks(inode uint64) *inodeLocks {
	plt.mu.Lock()
	defer plt.mu.Unlock()
	il, ok := plt.inodes[inode]
	if !ok {
		il = &inodeLocks{}
		plt.inodes[inode] = il
	}
	return il
}

func (plt *posixLockTable) getInodeLocks(inode uint64) *inodeLocks {
	plt.mu.Lock()
	defer plt.mu.Unlock()
	return plt.inodes[inode]
}

func (plt *posixLockTable) maybeCleanupInode(inode uint64, il *inodeLocks) {
	plt.mu.Lock()
	defer plt.mu.Unlock()
	il.mu.Lock()
	defer il.mu.Unlock()
	if len(il.locks) == 0 {
		delete(plt.inodes, inode)
	}
}

func (plt *posixLockTable) releaseMatching(inode uint64, matches func(rangeLock) bool) {
	il := plt.getInodeLocks(inode)
	if il == nil {
		return
	}
	il.mu.Lock()
	kept := il.locks[:0]
	for _, l := range il.locks {
		if !matches(l) {
			kept = append(kept, l)
		}
	}
	il.locks = kept
	il.mu.Unlock()
	plt.maybeCleanupInode(inode, il) // want `plt.maybeCleanupInode\(inode, il\), which makes delete\(plt.inodes, inode\) under plt.mu through maybeCleanupInode \(lockedhelpers.go:58\), after plt.getInodeLocks\(inode\), which reads plt.inodes\[inode\] under plt.mu, on line 63 is decided by the loaded value`
}

func (plt *posixLockTable) unlock(inode uint64, l rangeLock) {
	il := plt.getOrCreateInodeLocks(inode)
	il.mu.Lock()
	il.locks = append(il.locks, l)
	il.mu.Unlock()
	plt.maybeCleanupInode(inode, il) // want `plt.maybeCleanupInode\(inode, il\), which makes delete\(plt.inodes, inode\) under plt.mu through maybeCleanupInode .* after plt.getOrCreateInodeLocks\(inode\), which reads plt.inodes\[inode\] under plt.mu, on line 80 is decided by the loaded value`
}

// The fix: the cleanup deletes only the state the caller holds, looking
// again under plt.mu.
func (plt *posixLockTable) maybeCleanupInodeFixed(inode uint64, il *inodeLocks) {
	plt.mu.Lock()
	defer plt.mu.Unlock()
	il.mu.Lock()
	defer il.mu.Unlock()
	if len(il.locks) == 0 && plt.inodes[inode] == il {
		delete(plt.inodes, inode)
	}
}

func (plt *posixLockTable) releaseMatchingFixed(inode uint64) {
	il := plt.getInodeLocks(inode)
	if il == nil {
		return
	}
	plt.maybeCleanupInodeFixed(inode, il)
}

// tailscale/libtailscale tailscale.go at 9bf2df1 (fixed in 14119d8, "match
// close semantics, remove race", libtailscale#19): the server is got under
// servers.mu, deleted under servers.mu taken again, and closed; two
// TsnetClose calls of one descriptor both get it and both close it.
type tsServer struct{ closed bool }

func (s *tsServer) Close() error { s.closed = true; return nil }

var servers struct {
	mu   sync.Mutex
	next int
	m    map[int]*tsServer
}

func getServer(sd int) (*tsServer, error) {
	servers.mu.Lock()
	defer servers.mu.Unlock()
	s := servers.m[sd]
	if s == nil {
		return nil, errors.New("unknown server descriptor")
	}
	return s, nil
}

func TsnetClose(sd int) int {
	s, err := getServer(sd)
	if err != nil {
		return -1
	}
	servers.mu.Lock()
	delete(servers.m, sd) // want `delete\(servers.m, sd\) after getServer\(sd\), which reads servers.m\[sd\] under servers.mu, on line 132 takes the loaded entry`
	servers.mu.Unlock()
	if err := s.Close(); err != nil {
		return -1
	}
	return 0
}

// The fix: look and delete under one lock.
func TsnetCloseFixed(sd int) int {
	servers.mu.Lock()
	s := servers.m[sd]
	if s != nil {
		delete(servers.m, sd)
	}
	servers.mu.Unlock()
	if s == nil {
		return -1
	}
	if err := s.Close(); err != nil {
		return -1
	}
	return 0
}

// Near-miss: the caller holds the lock across the getter that expects it
// and the delete; nothing can come in between.
func getServerLocked(sd int) *tsServer {
	return servers.m[sd]
}

func tsnetCloseHeld(sd int) int {
	servers.mu.Lock()
	defer servers.mu.Unlock()
	s := getServerLocked(sd)
	if s == nil {
		return -1
	}
	delete(servers.m, sd)
	_ = s.Close()
	return 0
}

// grafana/dskit middleware/http_connection_ttl_middleware.go at
// 351dc3b92443 (fixed in d06cbd7eb65c, dskit#909): the connection's state is
// got or created under connectionsMu, found expired, and deleted under the
// lock taken again; two requests on one connection both find it expired,
// both delete and both count a closed connection, and a state created in
// between is deleted with it.
type connState struct {
	ttl      time.Duration
	created  time.Time
	lastSeen time.Time
}

func (s *connState) isExpired() bool { return time.Since(s.created) > s.ttl }

type connectionTTL struct {
	connectionsMu sync.Mutex
	connections   map[string]*connState
	closed        int
}

func (m *connectionTTL) removeExpiredConnection(conn string) bool {
	state := m.connectionState(conn)
	if !state.isExpired() {
		return false
	}
	m.connectionsMu.Lock()
	delete(m.connections, conn) // want `delete\(m.connections, conn\) after m.connectionState\(conn\), which reads m.connections\[conn\] under m.connectionsMu, on line 201 is decided by the loaded value`
	m.connectionsMu.Unlock()
	m.closed++
	return true
}

func (m *connectionTTL) connectionState(conn string) *connState {
	now := time.Now()
	m.connectionsMu.Lock()
	state, cached := m.connections[conn]
	if cached {
		state.lastSeen = now
	} else {
		state = &connState{ttl: time.Minute, created: now, lastSeen: now}
		m.connections[conn] = state
	}
	m.connectionsMu.Unlock()
	return state
}

// The fix: get, test and delete under one lock.
func (m *connectionTTL) removeExpiredConnectionFixed(conn string) bool {
	now := time.Now()
	m.connectionsMu.Lock()
	state, exists := m.connections[conn]
	if !exists {
		m.connections[conn] = &connState{ttl: time.Minute, created: now, lastSeen: now}
		m.connectionsMu.Unlock()
		return false
	}
	if !state.isExpired() {
		state.lastSeen = now
		m.connectionsMu.Unlock()
		return false
	}
	delete(m.connections, conn)
	m.connectionsMu.Unlock()
	m.closed++
	return true
}

// Near-miss: a getter that also stores something other than what it read
// is not a check; neither is one whose map's lock is not its own.
func (m *connectionTTL) touch(conn string) *connState {
	m.connectionsMu.Lock()
	defer m.connectionsMu.Unlock()
	state := m.connections[conn]
	m.connections[conn+"/seen"] = state
	return state
}

func (m *connectionTTL) dropTouched(conn string) {
	state := m.touch(conn)
	if state == nil || !state.isExpired() {
		return
	}
	m.connectionsMu.Lock()
	delete(m.connections, conn)
	m.connectionsMu.Unlock()
}

// Near-miss without -plainmaps: a get-then-insert through helpers that
// lock. On the projects measured each one was a cache fill (pulsar's
// schema cache, below: two decoders of one schema version) or code one
// goroutine runs; -plainmaps reports them.
type schema struct{ version string }

type schemaCache struct {
	lock  sync.RWMutex
	cache map[string]*schema
}

func (s *schemaCache) get(key string) *schema {
	s.lock.RLock()
	defer s.lock.RUnlock()
	return s.cache[key]
}

func (s *schemaCache) add(key string, sc *schema) {
	s.lock.Lock()
	defer s.lock.Unlock()
	s.cache[key] = sc
}

func (s *schemaCache) Get(key string) *schema {
	if sc := s.get(key); sc != nil {
		return sc
	}
	sc := &schema{version: key}
	s.add(key, sc)
	return sc
}

// ethpandaops/checkpointz pkg/cache/ttl.go at c8e3dea^ (fixed in c8e3dea,
// checkpointz#134): Delete gets the item with Get, which locks and answers
// a miss with an error, then deletes under the lock taken again and hands
// the value to the deleted-callbacks; the expiry goroutine and an explicit
// Delete both do it for one key, and a value set in between is deleted
// while the old one is reported.
type ttlItem struct {
	value     any
	expiresAt time.Time
}

type ttlMap struct {
	l         sync.Mutex
	m         map[string]*ttlItem
	onDeleted []func(string, any, time.Time)
}

func (m *ttlMap) Get(k string) (any, time.Time, error) {
	m.l.Lock()
	defer m.l.Unlock()
	it, ok := m.m[k]
	if !ok {
		return nil, time.Now(), errors.New("not found")
	}
	return it.value, it.expiresAt, nil
}

func (m *ttlMap) Delete(k string) {
	val, expiresAt, err := m.Get(k)
	if err != nil {
		return
	}
	m.l.Lock()
	delete(m.m, k) // want `delete\(m.m, k\) after m.Get\(k\), which reads m.m\[k\] under m.l, on line 327 takes the loaded entry`
	for _, f := range m.onDeleted {
		go f(k, val, expiresAt)
	}
	m.l.Unlock()
}

// The fix: look and delete under one lock.
func (m *ttlMap) DeleteFixed(k string) {
	m.l.Lock()
	defer m.l.Unlock()
	it, ok := m.m[k]
	if !ok {
		return
	}
	delete(m.m, k)
	for _, f := range m.onDeleted {
		go f(k, it.value, it.expiresAt)
	}
}
