package lockedmaps

import (
	"io/fs"
	"path/filepath"
	"sync"
)

type dbEntry struct{ pos int }

// benbjohnson/litestream cmd/litestream/directory_watcher.go (63225f17):
// the constructor fills the monitor's map and scans its directory (through
// a filepath.WalkDir callback) before `go dm.run()`; afterwards only run's
// goroutine touches the map (also in a deferred clean-up), so its check and
// write cannot interleave.
type dirMonitor struct {
	mu     sync.Mutex
	dbs    map[string]*dbEntry
	events chan string
}

func newDirMonitor(existing []string, dir string) *dirMonitor {
	dm := &dirMonitor{dbs: map[string]*dbEntry{}, events: make(chan string)}
	for _, p := range existing {
		dm.dbs[p] = &dbEntry{}
	}
	dm.scan(dir)
	go dm.run()
	return dm
}

func (dm *dirMonitor) run() {
	for p := range dm.events {
		dm.scan(p)
	}
}

func (dm *dirMonitor) scan(dir string) {
	_ = filepath.WalkDir(dir, func(p string, _ fs.DirEntry, _ error) error {
		dm.add(p)
		return nil
	})
}

func (dm *dirMonitor) add(p string) *dbEntry {
	dm.mu.Lock()
	old, ok := dm.dbs[p]
	dm.mu.Unlock()
	if ok {
		return old
	}
	e := openDB(p)
	if e == nil {
		return nil
	}
	failed := true
	defer func() {
		if failed {
			dm.mu.Lock()
			delete(dm.dbs, p)
			dm.mu.Unlock()
		}
	}()
	dm.mu.Lock()
	dm.dbs[p] = e
	dm.mu.Unlock()
	failed = e.pos < 0
	return e
}

// The same monitor whose constructor scans once more after starting run:
// that scan runs beside run's.
type lateMonitor struct {
	mu     sync.Mutex
	dbs    map[string]*dbEntry
	events chan string
}

func newLateMonitor(dir string) *lateMonitor {
	dm := &lateMonitor{dbs: map[string]*dbEntry{}, events: make(chan string)}
	go dm.run()
	dm.add(dir)
	return dm
}

func (dm *lateMonitor) run() {
	for p := range dm.events {
		dm.add(p)
	}
}

func (dm *lateMonitor) add(p string) *dbEntry {
	dm.mu.Lock()
	old, ok := dm.dbs[p]
	dm.mu.Unlock()
	if ok {
		return old
	}
	e := openDB(p)
	dm.mu.Lock()
	dm.dbs[p] = e // want `runs only when the check found no entry`
	dm.mu.Unlock()
	return e
}

// A monitor whose scan callback runs on a goroutine of its own: the
// literal is not called before the function returns.
type asyncMonitor struct {
	mu     sync.Mutex
	dbs    map[string]*dbEntry
	events chan string
}

func newAsyncMonitor() *asyncMonitor {
	dm := &asyncMonitor{dbs: map[string]*dbEntry{}, events: make(chan string)}
	go dm.run()
	return dm
}

func (dm *asyncMonitor) run() {
	for p := range dm.events {
		later(func() { dm.add(p) })
	}
}

func later(f func()) { go f() }

func (dm *asyncMonitor) add(p string) *dbEntry {
	dm.mu.Lock()
	old, ok := dm.dbs[p]
	dm.mu.Unlock()
	if ok {
		return old
	}
	e := openDB(p)
	dm.mu.Lock()
	dm.dbs[p] = e // want `runs only when the check found no entry`
	dm.mu.Unlock()
	return e
}

func openDB(p string) *dbEntry { return &dbEntry{pos: len(p)} }
