package atomicflags

import (
	"sync"
	"sync/atomic"
)

// An increment written as a Load and a Store: two goroutines that load the
// same sequence number store the same successor, and two orders get one
// ID.
type orderIDs struct{ seq atomic.Int64 }

func (g *orderIDs) Next() int64 {
	n := g.seq.Load() + 1
	g.seq.Store(n) // want `g.seq.Store\(n\) after g.seq.Load\(\) on line 14 stores the loaded value plus 1, but is not atomic with it: two goroutines that load the same value store the same result, and one update is lost`
	return n
}

var hitsValue atomic.Value

func bumpHits(by int) {
	hitsValue.Store(hitsValue.Load().(int) + by) // want `hitsValue.Store\(hitsValue.Load\(\).\(int\) \+ by\) after hitsValue.Load\(\) on line 22 stores the loaded value plus by`
}

// The fix: Add, and what it returns.
func (g *orderIDs) nextFixed() int64 { return g.seq.Add(1) }

// A replace decided by comparing the loaded value with the stored one: two
// watchers that load the same config both pass, and the older one can be
// stored last.
type versioned struct {
	version int64
	body    string
}

type configHolder struct{ cur atomic.Pointer[versioned] }

func (h *configHolder) Apply(c *versioned) bool {
	old := h.cur.Load()
	if old != nil && old.version >= c.version {
		return false
	}
	h.cur.Store(c) // want `h.cur.Store\(c\) after h.cur.Load\(\) on line 39 is decided by comparing the loaded value with the stored one on line 40, but is not atomic with it: two goroutines that load the same value both pass, and the older of their values can be stored last; use a CompareAndSwap loop`
	return true
}

// The same with the address of a local stored.
func (h *configHolder) reload(body string, version int64) {
	fresh := versioned{version: version, body: body}
	cur := h.cur.Load()
	if fresh.version <= cur.version {
		return
	}
	h.cur.Store(&fresh) // want `h.cur.Store\(&fresh\) after h.cur.Load\(\) on line \d+ is decided by comparing the loaded value with the stored one`
}

// The fix: a CompareAndSwap loop.
func (h *configHolder) applyFixed(c *versioned) bool {
	for {
		old := h.cur.Load()
		if old != nil && old.version >= c.version {
			return false
		}
		if h.cur.CompareAndSwap(old, c) {
			return true
		}
	}
}

// A claim: the store where the load found nothing, then an answer of true.
// Two replicas that campaign together both become leader.
type election struct{ leader atomic.Value }

func (e *election) Campaign(id string) bool {
	cur, _ := e.leader.Load().(string)
	if cur == "" {
		e.leader.Store(id) // want `e.leader.Store\(id\) after e.leader.Load\(\) on line 75 runs only when the load found e.leader empty, but is not atomic with it: another goroutine can find it empty in between, and both store and both answer true; use CompareAndSwap with the empty value, and answer what it returns`
		return true
	}
	return cur == id
}

// The fix: CompareAndSwap from the empty value.
func (e *election) campaignFixed(id string) bool {
	return e.leader.CompareAndSwap(nil, id) || e.leader.Load() == id
}

// Near-misses: one lock around the load and the store; a value computed
// from the loaded one in other ways (a moving average, an estimate whose
// author accepts the loss); a store where the load found nothing with no
// answer of true after it; a method only the receiver's goroutine runs.
type estimator struct {
	mu   sync.Mutex
	avg  atomic.Int64
	seq  atomic.Int64
	last atomic.Pointer[versioned]
	in   chan int64
}

func (e *estimator) nextSerialised() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	n := e.seq.Load() + 1
	e.seq.Store(n)
	return n
}

func (e *estimator) observe(x int64) {
	old := e.avg.Load()
	e.avg.Store((old*7 + x) / 8)
}

func (e *estimator) remember(v *versioned) {
	if e.last.Load() == nil {
		e.last.Store(v)
	}
}

func newEstimator() *estimator {
	e := &estimator{in: make(chan int64)}
	go e.run()
	return e
}

func (e *estimator) run() {
	for d := range e.in {
		e.add(d)
	}
}

func (e *estimator) add(d int64) {
	e.seq.Store(e.seq.Load() + d)
}

// A claim won by CompareAndSwap before the store: only the winner stores.
func (g *orderIDs) reserve() int64 {
	n := g.seq.Load()
	if !g.seq.CompareAndSwap(n, n+1) {
		return -1
	}
	g.seq.Store(n + 1)
	return n
}

// Near-misses from real projects: a minimum kept loosely
// (alibaba/sentinel-golang's MetricBucket.AddRt, "Might not be accurate
// here"), and a writer publishing the offset of what it wrote
// (cockroachdb/pebble's LogWriter.emitEOFTrailer), the one goroutine that
// moves it.
type bucket struct {
	minRt   atomic.Int64
	written atomic.Int32
	buf     [64]byte
}

func (b *bucket) addRt(rt int64) {
	if rt < b.minRt.Load() {
		b.minRt.Store(rt)
	}
}

func (b *bucket) emitTrailer() {
	i := b.written.Load()
	b.buf[i] = 0xff
	b.written.Store(i + 1)
}

func slot(i int32) int32 { return i % 64 }

func (b *bucket) pop() byte {
	i := b.written.Load()
	off := slot(i)
	v := b.buf[off]
	b.written.Store(i + 2)
	return v
}

// A claim of a value with something to release is the lazy
// initialisation's (atomics.go): reported once, there.
type slotClient struct{}

func (*slotClient) Close() error { return nil }

type clientSlot struct{ c atomic.Pointer[slotClient] }

func (s *clientSlot) ensure() bool {
	if s.c.Load() == nil {
		c := &slotClient{}
		s.c.Store(c) // want `s.c.Store\(c\) after s.c.Load\(\) on line \d+ runs only when the check found nil`
		return true
	}
	return false
}
