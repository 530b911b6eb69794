// Package t03 is a slice of a distributed read-through cache in the style of
// groupcache: a Group lazily builds its peer picker (a consistent-hash ring
// with a background health checker) on first use.
//
// Concurrency: every request goroutine calls Group.Get, which calls
// g.picker() to find the peer that owns a key. Group.Close is called once by
// the shutdown path. Each peerSet runs its own health-check goroutine.
//
// BUG: picker() does double-checked initialisation without the second check:
// it reads g.peers (and g.closed) under RLock, and if nil builds a new
// peerSet (which starts a health-check goroutine) and then stores it under
// Lock without looking again. Several first requests arriving together all see
// nil, and a request racing with Close can install a set after Close ran.
// check: g.peers == nil && !g.closed (under RLock) -> act: g.peers = newPeerSet(...) (under Lock).
//
// HARM: every losing peerSet is overwritten but its health-check goroutine and
// ticker keep running forever (Close only stops the stored one), and callers
// that got a losing set route keys with a ring whose health state diverges from
// the stored one, so the same key is loaded from the backend by two owners.
// Each cold start leaks goroutines that keep probing peers after shutdown.
package t03

import (
	"hash/crc32"
	"sort"
	"strconv"
	"sync"
	"time"
)

// Getter loads a value from the backing store on a cache miss.
type Getter func(key string) ([]byte, error)

type peerSet struct {
	ring  []uint32
	owner map[uint32]string
	probe func(addr string) bool
	stop  chan struct{}

	mu      sync.RWMutex
	healthy map[string]bool
}

func newPeerSet(addrs []string, replicas int, probe func(string) bool, every time.Duration) *peerSet {
	ps := &peerSet{owner: make(map[uint32]string), probe: probe, stop: make(chan struct{}), healthy: make(map[string]bool)}
	for _, a := range addrs {
		ps.healthy[a] = true
		for i := 0; i < replicas; i++ {
			h := crc32.ChecksumIEEE([]byte(strconv.Itoa(i) + a))
			ps.ring = append(ps.ring, h)
			ps.owner[h] = a
		}
	}
	sort.Slice(ps.ring, func(i, j int) bool { return ps.ring[i] < ps.ring[j] })
	go ps.healthLoop(addrs, every)
	return ps
}

func (ps *peerSet) healthLoop(addrs []string, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ps.stop:
			return
		case <-t.C:
			for _, a := range addrs {
				ok := ps.probe(a)
				ps.mu.Lock()
				ps.healthy[a] = ok
				ps.mu.Unlock()
			}
		}
	}
}

// pick returns the healthy peer owning key, or "" for "load locally".
func (ps *peerSet) pick(key string) string {
	if len(ps.ring) == 0 {
		return ""
	}
	h := crc32.ChecksumIEEE([]byte(key))
	i := sort.Search(len(ps.ring), func(i int) bool { return ps.ring[i] >= h }) % len(ps.ring)
	ps.mu.RLock()
	defer ps.mu.RUnlock()
	for n := 0; n < len(ps.ring); n++ {
		addr := ps.owner[ps.ring[(i+n)%len(ps.ring)]]
		if ps.healthy[addr] {
			return addr
		}
	}
	return ""
}

// Group is a named cache namespace.
type Group struct {
	name   string
	getter Getter
	fetch  func(peer, group, key string) ([]byte, error)
	addrs  []string
	probe  func(string) bool

	mu     sync.RWMutex
	peers  *peerSet
	closed bool
}

func NewGroup(name string, addrs []string, g Getter, fetch func(peer, group, key string) ([]byte, error), probe func(string) bool) *Group {
	return &Group{name: name, getter: g, fetch: fetch, addrs: addrs, probe: probe}
}

func (g *Group) picker() *peerSet {
	g.mu.RLock()
	p, closed := g.peers, g.closed
	g.mu.RUnlock()
	if p != nil || closed {
		return p
	}
	ps := newPeerSet(g.addrs, 50, g.probe, 5*time.Second)
	g.mu.Lock()
	g.peers = ps
	g.mu.Unlock()
	return ps
}

// Get returns the value for key, fetching from the owning peer when possible.
func (g *Group) Get(key string) ([]byte, error) {
	if ps := g.picker(); ps != nil {
		if peer := ps.pick(key); peer != "" {
			if v, err := g.fetch(peer, g.name, key); err == nil {
				return v, nil
			}
		}
	}
	return g.getter(key)
}

// Close stops the health checker.
func (g *Group) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.peers != nil {
		close(g.peers.stop)
		g.peers = nil
	}
}
