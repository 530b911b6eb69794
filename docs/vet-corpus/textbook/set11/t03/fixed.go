// Fixed version of the t03 cache group: pickerFixed re-checks g.peers after
// acquiring the write lock and builds the peerSet (starting its health-check
// goroutine) only while holding that lock, so at most one peerSet is ever
// created per Group, none is created after Close, and Close always stops the
// one that exists.
package t03

import (
	"sync"
	"time"
)

// GroupFixed is a named cache namespace.
type GroupFixed struct {
	name   string
	getter Getter
	fetch  func(peer, group, key string) ([]byte, error)
	addrs  []string
	probe  func(string) bool

	mu     sync.RWMutex
	peers  *peerSet
	closed bool
}

func NewGroupFixed(name string, addrs []string, g Getter, fetch func(peer, group, key string) ([]byte, error), probe func(string) bool) *GroupFixed {
	return &GroupFixed{name: name, getter: g, fetch: fetch, addrs: addrs, probe: probe}
}

func (g *GroupFixed) pickerFixed() *peerSet {
	g.mu.RLock()
	p, closed := g.peers, g.closed
	g.mu.RUnlock()
	if p != nil || closed {
		return p
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.peers == nil && !g.closed {
		g.peers = newPeerSet(g.addrs, 50, g.probe, 5*time.Second)
	}
	return g.peers
}

func (g *GroupFixed) Get(key string) ([]byte, error) {
	if ps := g.pickerFixed(); ps != nil {
		if peer := ps.pick(key); peer != "" {
			if v, err := g.fetch(peer, g.name, key); err == nil {
				return v, nil
			}
		}
	}
	return g.getter(key)
}

func (g *GroupFixed) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.peers != nil {
		close(g.peers.stop)
		g.peers = nil
	}
}
