package lockedhelpers

import (
	"regexp"
	"sync"
)

// Get-or-create of a new object on a Go map, where the function goes on
// using the object it made rather than returning it, where the check only
// asks whether the key is there, or where both halves are helpers that
// lock.

// centrifugal/centrifuge client_map.go at 6454fdbd (fixed in 81d011ef): a
// recovering map subscription finds no state under the read lock, makes
// one and stores it under the write lock, then goes on with its own; a
// concurrent subscribe for the channel does the same, and one of the two
// states is no longer the map's.
type subscribeState struct {
	epoch string
	ready chan struct{}
}

type mapClient struct {
	mu          sync.RWMutex
	subscribing map[string]*subscribeState
}

func (c *mapClient) streamPhase(channel, epoch string) bool {
	c.mu.RLock()
	state, ok := c.subscribing[channel]
	c.mu.RUnlock()
	if !ok {
		state = &subscribeState{epoch: epoch, ready: make(chan struct{})}
		c.mu.Lock()
		c.subscribing[channel] = state // want `c.subscribing\[channel\] = … after c.subscribing\[channel\] on line 30 runs only when the check found no entry`
		c.mu.Unlock()
	}
	return state.epoch == epoch
}

// livekit/livekit pkg/rtc/mediatracksubscriptions.go at 74f0388f1 (fixed
// in 5f9cdfbd9, livekit/livekit#723): AddSubscriber refuses a subscriber
// that is there, releases the lock, builds the subscribed track with its
// constructor, stores it under the lock again and goes on with it; two
// concurrent subscriptions of one participant both build one.
type subscribedTrack struct{ muted bool }

func newSubscribedTrack() *subscribedTrack { return &subscribedTrack{} }

func (t *subscribedTrack) setMuted(m bool) { t.muted = m }

type trackSubscriptions struct {
	mu     sync.Mutex
	tracks map[string]*subscribedTrack
}

func (t *trackSubscriptions) addSubscriber(id string, muted bool) {
	t.mu.Lock()
	if _, ok := t.tracks[id]; ok {
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	sub := newSubscribedTrack()
	t.mu.Lock()
	t.tracks[id] = sub // want `t.tracks\[id\] = … after t.tracks\[id\] on line 59 runs only when the check found no entry`
	t.mu.Unlock()
	sub.setMuted(muted)
}

// BurntSushi/locker locker.go at 392720b (fixed in 50aa243,
// BurntSushi/locker#1): Lock gets the key's mutex with getLock (read lock)
// and, when there is none, makes one with newLock (write lock), which
// stores a new mutex without looking again and returns it; two first
// Locks of one key lock different mutexes, and both go on.
type keyLocker struct {
	locksRW sync.RWMutex
	locks   map[string]*sync.RWMutex
}

func (l *keyLocker) Lock(key string) {
	lk, ok := l.getLock(key)
	if !ok {
		lk = l.newLock(key) // want `l.newLock\(key\), which makes l.locks\[key\] = … under l.locksRW through newLock \(goeson.go:93\), after l.getLock\(key\)`
	}
	lk.Lock()
}

func (l *keyLocker) newLock(key string) *sync.RWMutex {
	l.locksRW.Lock()
	defer l.locksRW.Unlock()
	lk := new(sync.RWMutex)
	l.locks[key] = lk
	return lk
}

func (l *keyLocker) getLock(key string) (*sync.RWMutex, bool) {
	l.locksRW.RLock()
	defer l.locksRW.RUnlock()
	lk, ok := l.locks[key]
	return lk, ok
}

// The fix: newLock looks again under the write lock.
type keyLockerFixed struct {
	locksRW sync.RWMutex
	locks   map[string]*sync.RWMutex
}

func (l *keyLockerFixed) Lock(key string) {
	lk, ok := l.getLock(key)
	if !ok {
		lk = l.newLock(key)
	}
	lk.Lock()
}

func (l *keyLockerFixed) newLock(key string) *sync.RWMutex {
	l.locksRW.Lock()
	defer l.locksRW.Unlock()
	if lk, ok := l.locks[key]; ok {
		return lk
	}
	lk := new(sync.RWMutex)
	l.locks[key] = lk
	return lk
}

func (l *keyLockerFixed) getLock(key string) (*sync.RWMutex, bool) {
	l.locksRW.RLock()
	defer l.locksRW.RUnlock()
	lk, ok := l.locks[key]
	return lk, ok
}

// Near-miss: a memo of a value computed from the key, used after it is
// stored; racing callers compile equal expressions.
type patterns struct {
	mu sync.Mutex
	re map[string]*regexp.Regexp
}

func (p *patterns) match(expr, s string) bool {
	p.mu.Lock()
	re, ok := p.re[expr]
	p.mu.Unlock()
	if !ok {
		re = regexp.MustCompile(expr)
		p.mu.Lock()
		p.re[expr] = re
		p.mu.Unlock()
	}
	return re.MatchString(s)
}

// Near-miss: a new object stored where the check found none, and not used
// again by the function: whichever racing store lands last is the one
// every later caller gets.
type registry struct {
	mu      sync.Mutex
	entries map[string]*subscribeState
}

func (r *registry) ensure(name string) {
	r.mu.Lock()
	_, ok := r.entries[name]
	r.mu.Unlock()
	if !ok {
		st := &subscribeState{ready: make(chan struct{})}
		r.mu.Lock()
		r.entries[name] = st
		r.mu.Unlock()
	}
}

// livekit's fix (5f9cdfbd9): a claim of the subscriber's ID, deleted when
// AddSubscriber returns, keeps a second AddSubscriber of the same
// subscriber out, so the check and the insert run for one ID at a time.
type guardedSubscriptions struct {
	pending sync.Map
	mu      sync.Mutex
	tracks  map[string]*subscribedTrack
}

func (t *guardedSubscriptions) addSubscriber(id string, muted bool) {
	if _, busy := t.pending.LoadOrStore(id, true); busy {
		return
	} else {
		defer t.pending.Delete(id)
	}
	t.mu.Lock()
	if _, ok := t.tracks[id]; ok {
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	sub := newSubscribedTrack()
	t.mu.Lock()
	t.tracks[id] = sub
	t.mu.Unlock()
	sub.setMuted(muted)
}

// Near-miss: a claim of another key guards nothing for this one.
func (t *guardedSubscriptions) addOther(id, other string, muted bool) {
	if _, busy := t.pending.LoadOrStore(other, true); busy {
		return
	}
	defer t.pending.Delete(other)
	t.mu.Lock()
	if _, ok := t.tracks[id]; ok {
		t.mu.Unlock()
		return
	}
	t.mu.Unlock()
	sub := newSubscribedTrack()
	t.mu.Lock()
	t.tracks[id] = sub // want `t.tracks\[id\] = … after t.tracks\[id\] on line 211 runs only when the check found no entry`
	t.mu.Unlock()
	sub.setMuted(muted)
}

// Near-miss: a serving loop makes the object for each new reply subject
// and goes on with it (go-micro's NATS transport, transport/nats/nats.go
// at 77fc793d5bab); the loop is one goroutine's for its listener, and the
// only one to insert.
type replySocket struct {
	mu      sync.Mutex
	backlog []string
}

type natsListener struct {
	sync.RWMutex
	so map[string]*replySocket
}

func (n *natsListener) accept(msgs <-chan [2]string) {
	for m := range msgs {
		n.RLock()
		sock, ok := n.so[m[0]]
		n.RUnlock()
		if !ok {
			sock = &replySocket{}
			n.Lock()
			n.so[m[0]] = sock
			n.Unlock()
		}
		sock.mu.Lock()
		sock.backlog = append(sock.backlog, m[1])
		sock.mu.Unlock()
	}
}

// nats-server's addStream (server/stream.go at 1787eee035cf): an add of
// the same name in flight is waited for on its WaitGroup, and the claim is
// deleted when the add returns, so the check and the insert run for one
// name at a time.
type jsAccount struct {
	inflight sync.Map
	mu       sync.Mutex
	streams  map[string]*subscribeState
}

func (jsa *jsAccount) addStream(name string) *subscribeState {
	swg := &sync.WaitGroup{}
	swg.Add(1)
	v, loaded := jsa.inflight.LoadOrStore(name, swg)
	wg := v.(*sync.WaitGroup)
	if loaded {
		wg.Wait()
		swg.Done()
	} else {
		defer func() {
			jsa.inflight.Delete(name)
			wg.Done()
		}()
	}
	jsa.mu.Lock()
	if st, ok := jsa.streams[name]; ok {
		jsa.mu.Unlock()
		return st
	}
	jsa.mu.Unlock()
	st := &subscribeState{}
	jsa.mu.Lock()
	jsa.streams[name] = st
	jsa.mu.Unlock()
	return st
}
