package atomicflags

import (
	"io"
	"sync"
	"sync/atomic"
)

// A reference count reset by a Store where the load found the last
// reference: an Acquire between the load and the Store is overwritten,
// and the resource is closed under its new holder.
type sharedConn struct {
	refs atomic.Int32
	c    io.Closer
}

func (s *sharedConn) Acquire() { s.refs.Add(1) }

func (s *sharedConn) Release() error {
	if s.refs.Load() == 1 {
		s.refs.Store(0) // want `s.refs.Store\(0\) after s.refs.Load\(\) on line \d+ runs only when the load found 1, but is not atomic with it: s.refs is a count other code adds to, and an Add made in between is overwritten \(a reference taken then is lost, or two releases both miss the last one\); use CompareAndSwap\(1, 0\)`
		return s.c.Close()
	}
	s.refs.Add(-1)
	return nil
}

// The same with the sync/atomic functions.
type handle struct {
	refs int32
	c    io.Closer
}

func (h *handle) retain() { atomic.AddInt32(&h.refs, 1) }

func (h *handle) release() error {
	if atomic.LoadInt32(&h.refs) == 1 {
		atomic.StoreInt32(&h.refs, 0) // want `atomic.StoreInt32\(&h.refs, 0\) after atomic.LoadInt32\(&h.refs\) on line \d+ runs only when the load found 1`
		return h.c.Close()
	}
	atomic.AddInt32(&h.refs, -1)
	return nil
}

// The fix: the release is one Add, and the last one closes.
func (s *sharedConn) releaseFixed() error {
	if s.refs.Add(-1) == 0 {
		return s.c.Close()
	}
	return nil
}

// Not a count reset: a flag nobody adds to, reset where the load found it
// set. It is a claim answered true, though: two takers that both load 1
// both reset it and both take the one pending reload (atomics.go).
type reloadFlag struct{ pending atomic.Int32 }

func (r *reloadFlag) take() bool {
	if r.pending.Load() == 1 {
		r.pending.Store(0) // want `r.pending.Store\(0\) after r.pending.Load\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both store it and both answer true \(line \d+\), where the check should have answered the second false; use CompareAndSwap, and go on only when it succeeds`
		return true
	}
	return false
}

// Near-miss: a count the Store sets to the value the load found.
func (s *sharedConn) settle() {
	if s.refs.Load() == 0 {
		s.refs.Store(0)
	}
}

// A reference taken after a test that the count is still above zero, on a
// count whose last release closes the resource: the last release can run
// in between, and the new reader uses a closed file.
type segment struct {
	refs atomic.Int32
	c    io.Closer
}

func (s *segment) acquire() bool {
	if s.refs.Load() <= 0 {
		return false
	}
	s.refs.Add(1) // want `s.refs.Add\(1\) after the test on line \d+ found s.refs above zero is not atomic with it: the last release can take it to zero in between and tear down what it counts \(s.refs.Add\(-1\), line \d+\), and this Add then revives a released count; raise it with a CompareAndSwap loop that refuses at zero`
	return true
}

func (s *segment) release() {
	if s.refs.Add(-1) == 0 {
		s.c.Close()
	}
}

// The fix: a CompareAndSwap loop that refuses at zero.
func (s *segment) acquireFixed() bool {
	for {
		n := s.refs.Load()
		if n <= 0 {
			return false
		}
		if s.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Near-miss: a count nothing tears down at zero (a gauge of users).
type userGauge struct{ n atomic.Int32 }

func (u *userGauge) join() bool {
	if u.n.Load() <= 0 {
		return false
	}
	u.n.Add(1)
	return true
}

func (u *userGauge) leave() { u.n.Add(-1) }

// The same with the raise in the body of the test, and a release that
// returns unless it took the count to zero, then closes.
type cachedFile struct {
	refs int32
	c    io.Closer
}

func (h *cachedFile) ref() bool {
	if atomic.LoadInt32(&h.refs) > 0 {
		atomic.AddInt32(&h.refs, 1) // want `atomic.AddInt32\(&h.refs, 1\) after the test on line \d+ found h.refs above zero is not atomic with it: the last release can take it to zero in between`
		return true
	}
	return false
}

func (h *cachedFile) unref() {
	if atomic.AddInt32(&h.refs, -1) != 0 {
		return
	}
	h.c.Close()
}

// Near-miss: a count above zero raised, but nothing tears it down at zero
// (a gauge's release only lowers it).
func (u *userGauge) rejoin() {
	if u.n.Load() > 0 {
		u.n.Add(1)
	}
}

// A cache's lock held across the test and the raise does not keep out a
// release that takes no lock before it lowers the count.
type fileCache struct {
	mu    sync.Mutex
	files map[string]*cachedFile
}

func (fc *fileCache) acquire(name string) *cachedFile {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	if h, ok := fc.files[name]; ok && atomic.LoadInt32(&h.refs) > 0 {
		atomic.AddInt32(&h.refs, 1) // want `atomic.AddInt32\(&h.refs, 1\) after the test on line \d+ found h.refs above zero`
		return h
	}
	return nil
}

// Near-miss: the release lowers the count under the cache's lock, which
// the acquire holds across its test and raise.
type lockedSegment struct {
	refs atomic.Int32
	c    io.Closer
}

type segmentCache struct {
	mu   sync.Mutex
	segs map[string]*lockedSegment
}

func (sc *segmentCache) acquire(name string) *lockedSegment {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s, ok := sc.segs[name]; ok && s.refs.Load() > 0 {
		s.refs.Add(1)
		return s
	}
	return nil
}

func (sc *segmentCache) release(s *lockedSegment) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if s.refs.Add(-1) == 0 {
		s.c.Close()
	}
}

// The same through methods wrapping the atomic, promoted from an embedded
// type (textbook set 9, t12): alive answers the count compared above zero,
// incRef adds to it, and decRef tears the file down at zero.
type refCounted struct {
	refs   atomic.Int32
	onZero func()
}

func (r *refCounted) alive() bool { return r.refs.Load() > 0 }
func (r *refCounted) incRef()     { r.refs.Add(1) }
func (r *refCounted) decRef() {
	if r.refs.Add(-1) == 0 {
		r.onZero()
	}
}

type fileHandle struct {
	refCounted
	path string
}

type fileTable struct {
	mu   sync.Mutex
	open map[string]*fileHandle
}

func (t *fileTable) Acquire(path string) *fileHandle {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.open[path]; ok && h.alive() {
		h.incRef() // want `h.incRef\(\) after the test on line \d+ found h.refs above zero is not atomic with it: the last release can take it to zero in between and tear down what it counts \(r.refs.Add\(-1\), line \d+\), and this Add then revives a released count`
		return h
	}
	return nil
}

// Near-miss: a method answering the count compared with a bound, not with
// zero, is no test that the count is alive.
func (r *refCounted) busy() bool { return r.refs.Load() > 8 }

func (t *fileTable) Share(path string) *fileHandle {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.open[path]; ok && h.busy() {
		h.incRef()
		return h
	}
	return nil
}

// A half-open breaker's Allow (textbook set 9, t08): the state found open,
// moved to half-open, and the caller told it is the single probe; the
// half-open state answers false. Two callers that both load open are both
// told so.
const (
	admitClosed int32 = iota
	admitOpen
	admitHalfOpen
)

type admitBreaker struct {
	state    atomic.Int32
	openedAt atomic.Int64
	now      func() int64
}

func (b *admitBreaker) Allow() bool {
	switch b.state.Load() {
	case admitClosed:
		return true
	case admitOpen:
		if b.now()-b.openedAt.Load() < 10 {
			return false
		}
		b.state.Store(admitHalfOpen) // want `b.state.Store\(admitHalfOpen\) after b.state.Load\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both store it and both answer true`
		return true
	default:
		return false
	}
}

// The fix: CompareAndSwap decides who probes.
func (b *admitBreaker) AllowFixed() bool {
	switch b.state.Load() {
	case admitClosed:
		return true
	case admitOpen:
		return b.now()-b.openedAt.Load() >= 10 && b.state.CompareAndSwap(admitOpen, admitHalfOpen)
	default:
		return false
	}
}

// Near-miss: a move answered by nothing (a trip): racing callers make the
// same move, and nobody is told it won.
func (b *admitBreaker) Trip() {
	if b.state.Load() != admitClosed {
		return
	}
	b.state.Store(admitOpen)
	b.openedAt.Store(b.now())
}

// Near-miss: the refusal answers true too (an idempotent open).
func (b *admitBreaker) EnsureOpen() bool {
	if b.state.Load() == admitOpen {
		return true
	}
	b.state.Store(admitOpen)
	return true
}

// The same with the release's result kept in a local a switch tests
// (textbook set 10, t10): case n == 0 tears the transport down.
type sharedTransport struct {
	refs atomic.Int32
	done chan struct{}
}

func (t *sharedTransport) Acquire() bool {
	if t.refs.Load() <= 0 {
		return false
	}
	t.refs.Add(1) // want `t.refs.Add\(1\) after the test on line \d+ found t.refs above zero is not atomic with it: the last release can take it to zero in between and tear down what it counts \(t.refs.Add\(-1\), line \d+\)`
	return true
}

func (t *sharedTransport) release() {
	switch n := t.refs.Add(-1); {
	case n == 0:
		close(t.done)
	case n < 0:
		panic("refcount underflow")
	}
}

// Near-miss: a gauge whose lowering only guards against going negative:
// nothing is torn down at zero.
type streamGauge struct{ open atomic.Int32 }

func (g *streamGauge) Start() bool {
	if g.open.Load() <= 0 {
		return false
	}
	g.open.Add(1)
	return true
}

func (g *streamGauge) Stop() {
	if n := g.open.Add(-1); n < 0 {
		panic("gauge underflow")
	}
}
