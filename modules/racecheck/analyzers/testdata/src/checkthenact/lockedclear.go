package checkthenact

import (
	"sync"
	"time"
)

// s2-streamstore/s2-sdk-go s2/append_session.go:278 (a9a004c8, fixed in
// 3d0fd1ef, s2-sdk-go#295; a miss of the twenty-eighth held-out set): the
// pump reads the retry time under the read lock, releases it, returns
// while the back-off lasts, and clears the time under the write lock; a
// retry the ack reader schedules in between is wiped.
type appendSession struct {
	stateMu sync.RWMutex
	retryAt time.Time
	backoff time.Duration
}

func (r *appendSession) scheduleRetry() {
	r.stateMu.Lock()
	r.retryAt = time.Now().Add(r.backoff)
	r.stateMu.Unlock()
}

func (r *appendSession) processInflightQueue() {
	r.stateMu.RLock()
	retryAt := r.retryAt
	r.stateMu.RUnlock()
	if !retryAt.IsZero() && time.Now().Before(retryAt) {
		return
	}
	r.stateMu.Lock()
	r.retryAt = time.Time{} // want `r.retryAt = time.Time\{\} after r.retryAt read on line 27 under a lock released since is decided by the value read, but is not atomic with it: another goroutine can set r.retryAt in between, and this clears what it set`
	r.stateMu.Unlock()
}

// The fix: the test and the clear under one write lock.
func (r *appendSession) processFixed() {
	r.stateMu.Lock()
	retryAt := r.retryAt
	if !retryAt.IsZero() && time.Now().Before(retryAt) {
		r.stateMu.Unlock()
		return
	}
	r.retryAt = time.Time{}
	r.stateMu.Unlock()
}

// A second look under the lock the clear is made with.
func (r *appendSession) processRechecked() {
	r.stateMu.RLock()
	retryAt := r.retryAt
	r.stateMu.RUnlock()
	if !retryAt.IsZero() && time.Now().Before(retryAt) {
		return
	}
	r.stateMu.Lock()
	if r.retryAt.Equal(retryAt) {
		r.retryAt = time.Time{}
	}
	r.stateMu.Unlock()
}

// A clear the value read does not decide: a reset whatever was there.
func (r *appendSession) reset() time.Time {
	r.stateMu.RLock()
	retryAt := r.retryAt
	r.stateMu.RUnlock()
	r.stateMu.Lock()
	r.retryAt = time.Time{}
	r.stateMu.Unlock()
	return retryAt
}

// A field nothing sets to anything but its zero value: there is nothing
// another goroutine could have put there to wipe.
type drainState struct {
	mu      sync.Mutex
	pending []string
}

func (d *drainState) drain() {
	d.mu.Lock()
	pending := d.pending
	d.mu.Unlock()
	if pending == nil {
		return
	}
	d.mu.Lock()
	d.pending = nil
	d.mu.Unlock()
}

// A clear where the value read was set: the function tears down what it
// read, then clears the field (nats-server's account expiry disables the
// JetStream state it read, then clears a.js; 1787eee0,
// server/accounts.go:4466). It has something of its own to clear.
type jsState struct{ streams int }

type jsAccount struct {
	mu sync.Mutex
	js *jsState
}

func (a *jsAccount) enable() {
	a.mu.Lock()
	a.js = &jsState{}
	a.mu.Unlock()
}

func (a *jsAccount) expire(disable func(*jsState)) {
	a.mu.Lock()
	jsa := a.js
	a.mu.Unlock()
	if jsa != nil {
		disable(jsa)
		a.mu.Lock()
		a.js = nil
		a.mu.Unlock()
	}
}

// A dirty flag cleared after saving, only where it was set (nats-server's
// OCSP cache, server/ocsp_responsecache.go:449, snapshots the cache under
// the lock it clears the flag with).
type ocspCache struct {
	mu    sync.RWMutex
	dirty bool
	items map[string]string
}

func (c *ocspCache) put(k, v string) {
	c.mu.Lock()
	c.items[k] = v
	c.dirty = true
	c.mu.Unlock()
}

func (c *ocspCache) save(write func(map[string]string)) {
	c.mu.RLock()
	dirty := c.dirty
	c.mu.RUnlock()
	if !dirty {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	write(c.items)
	c.dirty = false
}

// A batch taken under the lock, sent with it released, and the field
// reset under the lock taken again (textbook set 10, t14: a metrics
// remote-write sampleBatcher): the samples Add appended during the send were
// never sent, and the reset drops them.
type metricSample struct {
	name  string
	value float64
}

type sampleBatcher struct {
	mu      sync.Mutex
	pending []metricSample
	send    func([]metricSample) error
}

func (b *sampleBatcher) Add(s metricSample) {
	b.mu.Lock()
	b.pending = append(b.pending, s)
	b.mu.Unlock()
}

func (b *sampleBatcher) flush() error {
	b.mu.Lock()
	batch := b.pending
	b.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	if err := b.send(batch); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = nil // want `b.pending = nil after b.pending read on line [0-9]+ under a lock released since drops what another goroutine appended to b.pending in between \(Add, lockedclear.go:[0-9]+\)`
	b.mu.Unlock()
	return nil
}

// The same reset as a reslice to length zero.
func (b *sampleBatcher) flushReuse() error {
	b.mu.Lock()
	batch := b.pending
	b.mu.Unlock()
	if err := b.send(batch); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = b.pending[:0] // want `b.pending = b.pending\[:0\] after b.pending read on line [0-9]+ under a lock released since drops what another goroutine appended`
	b.mu.Unlock()
	return nil
}

// Near-miss: the fix swaps the slice for a fresh one in the same
// critical section.
func (b *sampleBatcher) flushFixed() error {
	b.mu.Lock()
	batch := b.pending
	b.pending = nil
	b.mu.Unlock()
	return b.send(batch)
}

// Near-miss: only the part sent is cut off, under the lock taken again.
func (b *sampleBatcher) flushPrefix() error {
	b.mu.Lock()
	batch := b.pending
	b.mu.Unlock()
	if err := b.send(batch); err != nil {
		return err
	}
	b.mu.Lock()
	b.pending = b.pending[len(batch):]
	b.mu.Unlock()
	return nil
}

// Near-miss: a slice the package never appends to, only replaces whole.
type routeSet struct {
	mu     sync.Mutex
	routes []string
	apply  func([]string)
}

func (t *routeSet) Set(routes []string) {
	t.mu.Lock()
	t.routes = routes
	t.mu.Unlock()
}

func (t *routeSet) Drain() {
	t.mu.Lock()
	rs := t.routes
	t.mu.Unlock()
	t.apply(rs)
	t.mu.Lock()
	t.routes = nil
	t.mu.Unlock()
}
