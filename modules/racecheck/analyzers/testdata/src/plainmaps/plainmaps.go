// Package plainmaps holds check-then-act on Go maps guarded by a lock that
// only checkthenact -plainmaps reports: real bugs, their fixes, and
// near-misses.
package plainmaps

import (
	"database/sql"
	"sync"
)

// beego/beego orm/db_alias.go at 8160059182fb (fixed in decc75e0251a, "fix
// bug of non concurrent security & add double check"): the statement cache
// is read under the read lock, which is released; the statement is prepared
// and stored under the write lock without a second look, so two goroutines
// both prepare and the statement overwritten is never closed.
type stmtCache struct {
	*sync.RWMutex
	db    *sql.DB
	stmts map[string]*sql.Stmt
}

func (d *stmtCache) getStmt(query string) (*sql.Stmt, error) {
	d.RLock()
	if stmt, ok := d.stmts[query]; ok {
		d.RUnlock()
		return stmt, nil
	}
	d.RUnlock()

	stmt, err := d.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	d.Lock()
	d.stmts[query] = stmt // want `d.stmts\[query\] = … after d.stmts\[query\] on line 24 runs only when the check found no entry, .*use one lock held across the check and the write`
	d.Unlock()
	return stmt, nil
}

// The fix: look again under the write lock.
func (d *stmtCache) getStmtFixed(query string) (*sql.Stmt, error) {
	d.RLock()
	c, ok := d.stmts[query]
	d.RUnlock()
	if ok {
		return c, nil
	}

	d.Lock()
	defer d.Unlock()
	if c, ok = d.stmts[query]; ok {
		return c, nil
	}
	stmt, err := d.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	d.stmts[query] = stmt
	return stmt, nil
}

// Near-misses.

type registry struct {
	mu    sync.Mutex
	conns map[string]*sql.DB
}

// One critical section from the check to the write.
func (r *registry) held(k string) *sql.DB {
	r.mu.Lock()
	defer r.mu.Unlock()
	if c, ok := r.conns[k]; ok {
		return c
	}
	c := &sql.DB{}
	r.conns[k] = c
	return c
}

// No lock at the check, and the write under a lock taken after it (see
// lockedmaps/unlocked.go): reported with or without -plainmaps.
func (r *registry) unlocked(k string) *sql.DB {
	if c, ok := r.conns[k]; ok {
		return c
	}
	c := &sql.DB{}
	r.mu.Lock()
	r.conns[k] = c // want `r.conns\[k\] = … after r.conns\[k\], read with no lock held, on line 84 runs only when the check found no entry, but is not atomic with it: another goroutine can store k in between, and this assignment replaces that value while the other goroutine goes on using it; use r.mu held across the check and the write`
	r.mu.Unlock()
	return c
}

// A map made and used by one call.
func local(keys []string) map[string]int {
	var mu sync.Mutex
	m := map[string]int{}
	for _, k := range keys {
		mu.Lock()
		_, ok := m[k]
		mu.Unlock()
		if !ok {
			mu.Lock()
			m[k] = len(k)
			mu.Unlock()
		}
	}
	return m
}

// apache/iceberg-go table/scanner.go at bb72d993509f (fixed in 0bd8477fd960,
// iceberg-go#699): a map with a default factory, filled under the write lock
// after a miss under the read lock, without looking again. The factory is a
// function value, code not known here, so the two values racing goroutines
// make may differ.
type keyDefaultMap[K comparable, V any] struct {
	defaultFactory func(K) V
	data           map[K]V
	mx             sync.RWMutex
}

func (k *keyDefaultMap[K, V]) Get(key K) V {
	k.mx.RLock()
	if v, ok := k.data[key]; ok {
		k.mx.RUnlock()
		return v
	}
	k.mx.RUnlock()
	k.mx.Lock()
	defer k.mx.Unlock()
	v := k.defaultFactory(key)
	k.data[key] = v // want `k.data\[key\] = … after k.data\[key\] on line 124 runs only when the check found no entry`
	return v
}

// The fix: look again under the write lock.
func (k *keyDefaultMap[K, V]) GetFixed(key K) V {
	k.mx.RLock()
	if v, ok := k.data[key]; ok {
		k.mx.RUnlock()
		return v
	}
	k.mx.RUnlock()
	k.mx.Lock()
	defer k.mx.Unlock()
	if v, ok := k.data[key]; ok {
		return v
	}
	v := k.defaultFactory(key)
	k.data[key] = v
	return v
}

// Near-miss: a plain value from a function value is as good as equal.
type lengths struct {
	measure func(string) int
	data    map[string]int
	mx      sync.RWMutex
}

func (l *lengths) Get(key string) int {
	l.mx.RLock()
	if v, ok := l.data[key]; ok {
		l.mx.RUnlock()
		return v
	}
	l.mx.RUnlock()
	v := l.measure(key)
	l.mx.Lock()
	l.data[key] = v
	l.mx.Unlock()
	return v
}

// Near-miss: gogf/gf text/gregex's cache (c8bdbb77fae2): a compiled pattern
// memoised under the write lock after a miss under the read lock, into a
// named result. Racing goroutines compile the same pattern into equal
// expressions; only work is duplicated.
type expr struct{ src string }

func compileExpr(pattern string) (*expr, error) { return &expr{src: pattern}, nil }

var (
	regexMu  sync.RWMutex
	regexMap = map[string]*expr{}
)

func getRegexp(pattern string) (regex *expr, err error) {
	regexMu.RLock()
	regex = regexMap[pattern]
	regexMu.RUnlock()
	if regex != nil {
		return
	}
	if regex, err = compileExpr(pattern); err != nil {
		return
	}
	regexMu.Lock()
	regexMap[pattern] = regex
	regexMu.Unlock()
	return
}

// A named result that also takes a value from elsewhere is not a memo.
func getRegexpOr(pattern string, fallback *expr) (regex *expr, err error) {
	regexMu.RLock()
	regex = regexMap[pattern]
	regexMu.RUnlock()
	if regex != nil {
		return
	}
	if regex, err = compileExpr(pattern); err != nil {
		regex = fallback
	}
	regexMu.Lock()
	regexMap[pattern] = regex // want `regexMap\[pattern\] = … after regexMap\[pattern\] on line \d+ runs only when the check found no entry`
	regexMu.Unlock()
	return
}
