package lockedmaps

import (
	"context"
	"errors"
	"strings"
	"sync"
)

// A check made with no lock held, and a write under a lock taken after it:
// the function writes the map under its lock, so other goroutines use the
// map, and the check sees neither their writes nor the lock. Two callers
// that both miss both write, and the check itself is a data race with the
// other's write.

// microsoft/wmi pkg/base/instance/instancemanager.go at a6abd75e51 (fixed
// in 982014cd45, microsoft/wmi#165): the managers are read with no lock,
// and a miss connects a new manager and inserts it under the package's
// mutex. Two callers that miss both connect; the map keeps the second,
// and the first caller goes on with a manager the map no longer holds.
type instanceManager struct{ host, namespace string }

func newInstanceManager(host, namespace string) (*instanceManager, error) {
	return &instanceManager{host: host, namespace: namespace}, nil
}

var (
	managers  = map[string]*instanceManager{}
	managerMu sync.Mutex
)

func getInstanceManager(host, namespace string) (*instanceManager, error) {
	id := strings.Join([]string{host, namespace}, "_")
	if m, ok := managers[id]; ok {
		return m, nil
	}
	managerMu.Lock()
	defer managerMu.Unlock()
	var err error
	managers[id], err = newInstanceManager(host, namespace) // want `managers\[id\] = … after managers\[id\], read with no lock held, on line 34 runs only when the check found no entry, but is not atomic with it: another goroutine can store id in between, and this assignment replaces that value while the other goroutine goes on using it; use managerMu held across the check and the write`
	if err != nil {
		return nil, err
	}
	return managers[id], nil
}

// The fix: the lock is taken before the check.
func getInstanceManagerFixed(host, namespace string) (*instanceManager, error) {
	managerMu.Lock()
	defer managerMu.Unlock()
	id := strings.Join([]string{host, namespace}, "_")
	if m, ok := managers[id]; ok {
		return m, nil
	}
	var err error
	managers[id], err = newInstanceManager(host, namespace)
	if err != nil {
		return nil, err
	}
	return managers[id], nil
}

// zeromicro/go-zero core/discov/internal/registry.go at bdddf1f30c (fixed
// in b139a82c2, zeromicro/go-zero#5408): a watch for a key not yet watched
// is recorded under the cluster's lock, after a check made without it.
// Two watches of one key both record theirs; the first one's cancel is
// lost, and its watch is never cancelled.
type watchValue struct{ cancel context.CancelFunc }

type cluster struct {
	lock     sync.Mutex
	watchers map[string]*watchValue
}

func (c *cluster) setupWatch(key string) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	if watcher, ok := c.watchers[key]; ok {
		watcher.cancel = cancel
	} else {
		val := &watchValue{}
		val.cancel = cancel

		c.lock.Lock()
		c.watchers[key] = val // want `c.watchers\[key\] = … after c.watchers\[key\], read with no lock held, on line 77 runs only when the check found no entry, but is not atomic with it: another goroutine can store key in between, and this assignment replaces that value while the other goroutine goes on using it; use c.lock held across the check and the write`
		c.lock.Unlock()
	}
	return ctx
}

// The fix: one lock around the check and the insert.
func (c *cluster) setupWatchFixed(key string) context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	c.lock.Lock()
	if watcher, ok := c.watchers[key]; ok {
		watcher.cancel = cancel
	} else {
		val := &watchValue{}
		val.cancel = cancel
		c.watchers[key] = val
	}
	c.lock.Unlock()
	return ctx
}

// Near-miss: double-checked locking. The fast path's read is a data race
// the race detector reports, but the insert is decided by the second look
// made under the lock.
func (c *cluster) watcher(key string) *watchValue {
	if w, ok := c.watchers[key]; ok {
		return w
	}
	c.lock.Lock()
	defer c.lock.Unlock()
	if w, ok := c.watchers[key]; ok {
		return w
	}
	w := &watchValue{}
	c.watchers[key] = w
	return w
}

// Near-miss: the write made with no lock either; if the map is shared, both
// are data races, the race detector's to report.
func (c *cluster) addUnlocked(key string) {
	if _, ok := c.watchers[key]; !ok {
		c.watchers[key] = &watchValue{}
	}
}

// Near-miss: the single writer. One goroutine serves every update and is
// the only one to write the map; it reads without the lock, which only
// keeps readers out while it writes.
func (c *cluster) serve(updates <-chan string) {
	for key := range updates {
		if _, ok := c.watchers[key]; !ok {
			c.lock.Lock()
			c.watchers[key] = &watchValue{}
			c.lock.Unlock()
		}
	}
}

// Near-miss: a map of the function's own, locked for no reason that
// concerns it.
func (c *cluster) snapshot(keys []string) map[string]bool {
	seen := map[string]bool{}
	for _, k := range keys {
		if _, ok := seen[k]; !ok {
			c.lock.Lock()
			seen[k] = c.watchers[k] != nil
			c.lock.Unlock()
		}
	}
	return seen
}

// Near-miss: documented as called with the lock held; the lock it takes is
// another one.
type nameRegistry struct {
	mu, logMu sync.Mutex
	names     map[string]int
	log       []string
}

// addLocked adds name. r.mu must be held.
func (r *nameRegistry) addLocked(name string) {
	if _, ok := r.names[name]; !ok {
		r.logMu.Lock()
		r.log = append(r.log, name)
		r.names[name] = len(r.log)
		r.logMu.Unlock()
	}
}

// Near-miss: the write's lock is not the map's. Every other user of the
// tables takes schemaMu, and CreateTable's caller holds it
// (gcpug/handy-spanner server/database.go at 4309ecb: CreateTable checks
// db.tables unlocked and inserts under transactionsMu, called by ApplyDDL
// under schemaMu, and by the constructor before the database is shared).
type spannerTable struct{ columns []string }

type spannerDB struct {
	schemaMu       sync.RWMutex
	transactionsMu sync.Mutex
	tables         map[string]*spannerTable
}

func newSpannerDB() *spannerDB {
	db := &spannerDB{tables: map[string]*spannerTable{}}
	_ = db.CreateTable("meta", nil)
	return db
}

func (db *spannerDB) ApplyDDL(name string, columns []string) error {
	db.schemaMu.Lock()
	defer db.schemaMu.Unlock()
	return db.CreateTable(name, columns)
}

func (db *spannerDB) CreateTable(name string, columns []string) error {
	if _, ok := db.tables[name]; ok {
		return errors.New("duplicated table")
	}
	t := &spannerTable{columns: columns}
	db.transactionsMu.Lock()
	defer db.transactionsMu.Unlock()
	db.tables[name] = t
	return nil
}

func (db *spannerDB) useTable(name string) (*spannerTable, bool) {
	db.schemaMu.RLock()
	defer db.schemaMu.RUnlock()
	t, ok := db.tables[name]
	return t, ok
}
