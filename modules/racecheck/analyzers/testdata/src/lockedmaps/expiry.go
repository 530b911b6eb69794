package lockedmaps

import (
	"sync"
	"time"
)

// grafana/dskit#909's shape written in one function (the bug split it
// between removeExpiredConnection and a getter, see lockedhelpers): the
// state is got or created under the lock, tested after the lock is
// released, and deleted under the lock taken again. The store on the
// absent branch writes the entry; it does not look at it again.
type ttlState struct {
	created time.Time
	ttl     time.Duration
}

type ttlTable struct {
	mu     sync.Mutex
	states map[string]*ttlState
	closed int
}

func (t *ttlTable) removeExpired(conn string) bool {
	t.mu.Lock()
	s, ok := t.states[conn]
	if !ok {
		s = &ttlState{created: time.Now(), ttl: time.Minute}
		t.states[conn] = s
	}
	t.mu.Unlock()
	if time.Since(s.created) < s.ttl {
		return false
	}
	t.mu.Lock()
	delete(t.states, conn) // want `delete\(t.states, conn\) after t.states\[conn\] on line 26 is decided by the loaded value`
	t.mu.Unlock()
	t.closed++
	return true
}

// Near-miss: the delete looks again under the lock it is made with.
func (t *ttlTable) removeExpiredChecked(conn string) bool {
	t.mu.Lock()
	s, ok := t.states[conn]
	if !ok {
		s = &ttlState{created: time.Now(), ttl: time.Minute}
		t.states[conn] = s
	}
	t.mu.Unlock()
	if time.Since(s.created) < s.ttl {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.states[conn] != s {
		return false
	}
	delete(t.states, conn)
	t.closed++
	return true
}

// A getter that drops an expired entry and answers that there is none is
// a check like any getter (textbook set 10, t13: an idempotency record
// kept for a TTL, looked up, the work done, then remembered).
type ttlRecord struct {
	status  int
	expires time.Time
}

type ttlDeduper struct {
	mu   sync.Mutex
	done map[string]*ttlRecord
}

func (d *ttlDeduper) lookup(key string) (*ttlRecord, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.done[key]
	if ok && time.Now().After(r.expires) {
		delete(d.done, key)
		return nil, false
	}
	return r, ok
}

func (d *ttlDeduper) remember(key string, r *ttlRecord) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.done[key] = r
}

func (d *ttlDeduper) Handle(key, card string, charge func(string) int) int {
	if r, ok := d.lookup(key); ok {
		return r.status
	}
	status := charge(card)
	d.remember(key, &ttlRecord{status: status, expires: time.Now().Add(time.Hour)}) // want `d.remember\(key, &ttlRecord\{status: status, expires: time.Now\(\).Add\(time.Hour\)\}\), which makes d.done\[key\] = … under d.mu through remember \(expiry.go:\d+\), after d.lookup\(key\), which reads d.done\[key\] under d.mu, on line \d+ runs only when the check found no entry`
	return status
}

// Near-miss: a getter that deletes the entry it found and hands it back (a
// take) is no check here: the delete is not an expired entry's, and takes
// have rules of their own.
func (d *ttlDeduper) take(key string) (*ttlRecord, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r, ok := d.done[key]
	if ok {
		delete(d.done, key)
		return r, true
	}
	return nil, false
}

func (d *ttlDeduper) Replay(key, card string, charge func(string) int) int {
	if r, ok := d.take(key); ok {
		return r.status
	}
	status := charge(card)
	d.remember(key, &ttlRecord{status: status})
	return status
}
