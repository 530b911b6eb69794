package checkthenact

import (
	"errors"
	"sync"
)

// An insert into a collection a close drains, decided by a closed flag
// read under the lock before the lock was released. jackc/puddle pool.go
// at 7cc1dd19 (fixed in 558756d6): CreateResource checked p.closed under
// the pool's lock (a sync.Cond's Locker), built the resource with the lock
// released, and appended it under the lock again; a Close in between
// destroyed the idle resources, and the new one was never destroyed.
var errClosedPool = errors.New("closed pool")

type pooled struct{ value int }

type resourcePool struct {
	cond      *sync.Cond
	closed    bool
	all       []*pooled
	idle      []*pooled
	destroyed func(int)
}

func (p *resourcePool) Close() {
	p.cond.L.Lock()
	defer p.cond.L.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, res := range p.idle {
		go p.destroyed(res.value)
	}
	p.idle = nil
}

func (p *resourcePool) CreateResource(construct func() int) error {
	p.cond.L.Lock()
	if p.closed {
		p.cond.L.Unlock()
		return errClosedPool
	}
	p.cond.L.Unlock()

	res := &pooled{construct()}

	p.cond.L.Lock()
	p.all = append(p.all, res)
	p.idle = append(p.idle, res) // want `p.idle = append\(p.idle, …\) under p.cond.L after the check of p.closed on line 41, made under p.cond.L released since, is not atomic with it: Close \(closedinsert.go:32\) can set p.closed and drain p.idle in between`
	p.cond.L.Unlock()
	return nil
}

// The fix: the flag is read again before the insert.
func (p *resourcePool) createResourceFixed(construct func() int) error {
	p.cond.L.Lock()
	if p.closed {
		p.cond.L.Unlock()
		return errClosedPool
	}
	p.cond.L.Unlock()

	res := &pooled{construct()}

	p.cond.L.Lock()
	defer p.cond.L.Unlock()
	if p.closed {
		go p.destroyed(res.value)
		return errClosedPool
	}
	p.idle = append(p.idle, res)
	return nil
}

// The same with a map and a mutex.
type connTable struct {
	mu       sync.Mutex
	shutdown bool
	sessions map[string]*pooled
}

func (t *connTable) Shutdown() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.shutdown = true
	for id := range t.sessions {
		delete(t.sessions, id)
	}
}

func (t *connTable) Open(id string, dial func() *pooled) error {
	t.mu.Lock()
	if t.shutdown {
		t.mu.Unlock()
		return errClosedPool
	}
	t.mu.Unlock()
	s := dial()
	t.mu.Lock()
	t.sessions[id] = s // want `t.sessions\[id\] = … under t.mu after the check of t.shutdown on line 95`
	t.mu.Unlock()
	return nil
}

// Near-misses: a flag nothing sets while draining the collection (all is
// not drained by Close above, and paused is set by no close), and a check
// and insert under one lock held throughout.
type pausable struct {
	mu     sync.Mutex
	paused bool
	queue  []int
}

func (q *pausable) Pause() {
	q.mu.Lock()
	q.paused = true
	q.mu.Unlock()
}

func (q *pausable) Push(v int) bool {
	q.mu.Lock()
	if q.paused {
		q.mu.Unlock()
		return false
	}
	q.mu.Unlock()
	q.mu.Lock()
	q.queue = append(q.queue, v)
	q.mu.Unlock()
	return true
}

func (t *connTable) openHeld(id string, s *pooled) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.shutdown {
		return errClosedPool
	}
	t.sessions[id] = s
	return nil
}
