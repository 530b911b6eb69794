package atomicflags

import (
	"errors"
	"sync/atomic"
	"time"
)

// A try-acquire on an atomic: a Load, a test of what it found that
// refuses with false, a Store of the caller's own value, and true. Two
// goroutines that load the same holder both pass the test, both store and
// both answer true: two leaders of one lease. The fix is a CompareAndSwap
// of the loaded value.

type grant struct {
	owner string
	until time.Time
}

func (g *grant) takenBy(other string, now time.Time) bool {
	return g.owner != "" && g.owner != other && now.Before(g.until)
}

type leaseKeeper struct {
	held atomic.Pointer[grant]
	ttl  time.Duration
}

// holder loads through a getter of the package.
func (k *leaseKeeper) holder() *grant { return k.held.Load() }

func (k *leaseKeeper) Acquire(node string) (*grant, bool) {
	now := time.Now()
	cur := k.holder()
	if cur != nil && cur.takenBy(node, now) {
		return cur, false
	}
	next := &grant{owner: node, until: now.Add(k.ttl)}
	k.held.Store(next) // want `k.held.Store\(next\) after k.holder\(\) on line \d+ runs only when the test of what it loaded on line \d+ passed, but is not atomic with it: another goroutine can pass the same test in between, and both store and both answer true; use CompareAndSwap with the loaded value, and answer what it returns`
	return next, true
}

// The same through an atomic.Value and its type assertion, tested in place.
type valueLease struct{ v atomic.Value }

func (l *valueLease) current() *grant { return l.v.Load().(*grant) }

func (l *valueLease) TryTake(node string, ttl time.Duration) bool {
	cur := l.current()
	if cur.owner != "" && cur.owner != node && time.Now().Before(cur.until) {
		return false
	}
	l.v.Store(&grant{owner: node, until: time.Now().Add(ttl)}) // want `l.v.Store\(&grant\{.*\}\) after l.current\(\) on line \d+ runs only when the test of what it loaded on line \d+ passed`
	return true
}

// The fix: the swap decides.
func (k *leaseKeeper) acquireFixed(node string) (*grant, bool) {
	now := time.Now()
	cur := k.held.Load()
	if cur != nil && cur.takenBy(node, now) {
		return cur, false
	}
	next := &grant{owner: node, until: now.Add(k.ttl)}
	if !k.held.CompareAndSwap(cur, next) {
		return k.held.Load(), false
	}
	return next, true
}

// Near-miss: a change detection. It refuses when the value is already the
// one it would store; two racing calls with one value both answer true,
// and the value is the same either way.
type modeSwitch struct{ mode atomic.Value }

func (m *modeSwitch) Set(mode string) bool {
	if cur, _ := m.mode.Load().(string); cur == mode {
		return false
	}
	m.mode.Store(mode)
	return true
}

// Near-miss: no answer after the Store; the function reports nothing about
// who won.
func (k *leaseKeeper) refresh(node string) {
	cur := k.held.Load()
	if cur != nil && cur.takenBy(node, time.Now()) {
		return
	}
	k.held.Store(&grant{owner: node, until: time.Now().Add(k.ttl)})
}

// Near-miss: the same change detection on a field of a value built from
// the input.
type named struct{ name string }

type nameSwitch struct{ cur atomic.Pointer[named] }

func (n *nameSwitch) Rename(name string) bool {
	if cur := n.cur.Load(); cur != nil && cur.name == name {
		return false
	}
	n.cur.Store(&named{name: name})
	return true
}

// A section an atomic flag keeps to one goroutine, cleared by a deferred
// store, with a second caller refused: a half-open breaker's probe. Two
// callers that both find the flag unset both probe the recovering
// backend.
var errBreakerOpen = errors.New("breaker open")

type probeBreaker struct {
	probing atomic.Bool
}

func (b *probeBreaker) Probe(call func() error) error {
	if b.probing.Load() {
		return errBreakerOpen
	}
	b.probing.Store(true) // want `b.probing.Store\(true\) after b.probing.Load\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both run the section the deferred b.probing.Store\(false\) on line \d+ ends, where the check should have refused the second; use CompareAndSwap, and go on only when it succeeds`
	defer b.probing.Store(false)
	return call()
}

// The fix: the swap decides.
func (b *probeBreaker) probeFixed(call func() error) error {
	if !b.probing.CompareAndSwap(false, true) {
		return errBreakerOpen
	}
	defer b.probing.Store(false)
	return call()
}

// A refused second caller and no section the flag ends here, but the
// flag is released elsewhere (probe's deferred Store(false)): a try-lock
// answering success, which two callers both pass (since 7 December,
// fourth session; before, a near-miss taken for a one-way latch).
func (b *probeBreaker) markOnce() error {
	if b.probing.Load() {
		return errBreakerOpen
	}
	b.probing.Store(true) // want `b.probing.Store\(true\) after b.probing.Load\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both store it and both answer nil`
	return nil
}

// Near-miss: the section, but a second caller is not refused (it goes on
// without the flag): nothing is kept to one goroutine.
func (b *probeBreaker) tryProbe(call func() error) error {
	if b.probing.Load() {
		return call()
	}
	b.probing.Store(true)
	defer b.probing.Store(false)
	return call()
}

// The try-acquire made of a predicate that tests the loaded lease and a
// setter that stores a new one: two shards both find the lease vacant,
// both claim it and both lead.
type shardElector struct {
	current atomic.Pointer[grant]
	ttl     time.Duration
}

func (e *shardElector) vacant(now time.Time) bool {
	cur := e.current.Load()
	return cur == nil || !now.Before(cur.until)
}

func (e *shardElector) vacantNow(now time.Time) bool {
	return e.current.Load() == nil || !now.Before(e.current.Load().until)
}

func (e *shardElector) lapsed(now time.Time) bool { return !now.Before(e.current.Load().until) }

func (e *shardElector) claim(owner string, now time.Time) {
	e.current.Store(&grant{owner: owner, until: now.Add(e.ttl)})
}

func (e *shardElector) TryLead(owner string, now time.Time) bool {
	if !e.lapsed(now) {
		return false
	}
	e.claim(owner, now) // want `e.claim\(owner, now\) after e.lapsed\(now\) on line \d+ runs only when the test of what it loaded on line \d+ passed, but is not atomic with it: another goroutine can pass the same test in between, and both store and both answer true`
	return true
}

// Near-miss: a predicate of more than one statement, or with two loads,
// is not read as one load.
func (e *shardElector) tryLeadWide(owner string, now time.Time) bool {
	if !e.vacant(now) || !e.vacantNow(now) {
		return false
	}
	e.claim(owner, now)
	return true
}

// A busy flag taken by a Load and a Store, answering a nil error (textbook
// set 11, t13: a database connection's lock before a query): two queries
// that both find the connection free both write to it, and rows reach the
// wrong caller. The unlock stores false.
var errConnBusy = errors.New("conn busy")

type pgConn struct {
	busy   atomic.Bool
	closed atomic.Bool
}

func (c *pgConn) lock() error {
	if c.busy.Load() {
		return errConnBusy
	}
	c.busy.Store(true) // want `c.busy.Store\(true\) after c.busy.Load\(\) on line [0-9]+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both store it and both answer nil \(line [0-9]+\), where the check should have refused the second`
	return nil
}

func (c *pgConn) unlock() { c.busy.Store(false) }

// Near-miss: a closed flag answering nil, which nothing sets back: a
// second Close told it succeeded closes nothing more.
func (c *pgConn) Close() error {
	if c.closed.Load() {
		return errConnBusy
	}
	c.closed.Store(true)
	return nil
}

// Near-miss: the check does not refuse; the store just marks.
func (c *pgConn) mark() error {
	if !c.busy.Load() {
		c.busy.Store(true)
	}
	return nil
}
