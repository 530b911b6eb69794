package checkthenact

// Fixed bugs from the ninth held-out set (4 December), missed as measured
// or reported at their fix.

import (
	"sync"
	"time"
)

// A typed concurrent map with xsync's method set (puzpuzpuz/xsync Map).
type nodeMap[K comparable, V any] struct {
	mu sync.RWMutex
	m  map[K]V
}

func (n *nodeMap[K, V]) Load(k K) (V, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	v, ok := n.m[k]
	return v, ok
}

func (n *nodeMap[K, V]) Store(k K, v V) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.m[k] = v
}

func (n *nodeMap[K, V]) Delete(k K) {
	n.mu.Lock()
	defer n.mu.Unlock()
	delete(n.m, k)
}

func (n *nodeMap[K, V]) Range(f func(K, V) bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	for k, v := range n.m {
		if !f(k, v) {
			return
		}
	}
}

// Compute runs f on the entry under the lock and deletes it when f says so.
func (n *nodeMap[K, V]) Compute(k K, f func(V, bool) (V, bool)) {
	n.mu.Lock()
	defer n.mu.Unlock()
	v, ok := n.m[k]
	if nv, del := f(v, ok); del {
		delete(n.m, k)
	} else {
		n.m[k] = nv
	}
}

type nodeConn struct{ active int }

func (c *nodeConn) hasActiveConnections() bool { return c.active > 0 }

type batcher struct {
	nodes     nodeMap[uint64, *nodeConn]
	connected nodeMap[uint64, *time.Time]
}

// juanfont/headscale hscontrol/mapper/batcher_lockfree.go at 57070680a588
// (fixed in da33795e79dd): the cleanup ranges over the disconnect times and
// collects the nodes whose connection, loaded from another map, has no
// active connection, then deletes them without looking again; a node that
// reconnects in between is deleted while live.
func (b *batcher) cleanupOfflineNodes(now time.Time) {
	var nodesToCleanup []uint64
	b.connected.Range(func(nodeID uint64, disconnectTime *time.Time) bool {
		if disconnectTime != nil && now.Sub(*disconnectTime) > 15*time.Minute {
			if nodeConn, exists := b.nodes.Load(nodeID); exists {
				if !nodeConn.hasActiveConnections() {
					nodesToCleanup = append(nodesToCleanup, nodeID)
				}
			}
		}
		return true
	})
	for _, nodeID := range nodesToCleanup {
		b.nodes.Delete(nodeID) // want `b.nodes.Delete\(nodeID\) of a key collected on line 78, decided there by the value b.nodes.Load\(nodeID\) on line 76 found, is not atomic with it: another goroutine can store a new value for the key in between, and this Delete removes it; use CompareAndDelete with the value the check saw`
	}
}

// The fix: the connection is looked at again where it is deleted.
func (b *batcher) cleanupOfflineNodesFixed(now time.Time) {
	var nodesToCleanup []uint64
	b.connected.Range(func(nodeID uint64, disconnectTime *time.Time) bool {
		if disconnectTime != nil && now.Sub(*disconnectTime) > 15*time.Minute {
			nodesToCleanup = append(nodesToCleanup, nodeID)
		}
		return true
	})
	for _, nodeID := range nodesToCleanup {
		b.nodes.Compute(nodeID, func(conn *nodeConn, loaded bool) (*nodeConn, bool) {
			return conn, loaded && conn != nil && !conn.hasActiveConnections()
		})
	}
}

// Near-miss: the key is collected because the other map has it at all;
// deleting it later deletes what is there, as the scan meant.
func (b *batcher) forgetKnown(ids []uint64) {
	var known []uint64
	for _, id := range ids {
		if _, exists := b.nodes.Load(id); exists {
			known = append(known, id)
		}
	}
	for _, id := range known {
		b.nodes.Delete(id)
	}
}

// A sharded map whose Delete runs a function on the entry under the
// shard's lock and deletes when it answers true (yorkie's pkg/cmap).
type subsMap struct {
	mu sync.RWMutex
	m  map[string]*subscriptions
}

type subscriptions struct {
	mu   sync.Mutex
	subs map[string]bool
}

func (s *subscriptions) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.subs)
}

func (s *subscriptions) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.subs, id)
}

func (s *subscriptions) Close() {}

func (m *subsMap) Get(key string) (*subscriptions, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	v, ok := m.m[key]
	return v, ok
}

func (m *subsMap) Delete(key string, deleteFunc func(*subscriptions, bool) bool) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[key]
	if !deleteFunc(v, ok) {
		return false
	}
	delete(m.m, key)
	return true
}

type pubSub struct{ subscriptionsMap subsMap }

// yorkie-team/yorkie server/backend/sync/memory/pubsub.go at f35cc77f118b
// (fixed in 2bd6d390faa7, yorkie-team/yorkie#1101): the document's
// subscriptions are found empty, then deleted and closed; a Subscribe in
// between adds to the set being deleted, and two Unsubscribes both close
// it.
func (m *pubSub) unsubscribe(docKey, subID string) {
	if subs, ok := m.subscriptionsMap.Get(docKey); ok {
		subs.Delete(subID)
		if subs.Len() == 0 {
			m.subscriptionsMap.Delete(docKey, func(subs *subscriptions, exists bool) bool { // want `m.subscriptionsMap.Delete\(docKey\) after m.subscriptionsMap.Get\(docKey\) on line 171 is decided by the loaded value`
				subs.Close()
				return exists
			})
		}
	}
}

// The fix: the emptiness test runs inside the Delete, under the lock.
func (m *pubSub) unsubscribeFixed(docKey, subID string) {
	if subs, ok := m.subscriptionsMap.Get(docKey); ok {
		subs.Delete(subID)
		m.subscriptionsMap.Delete(docKey, func(subs *subscriptions, exists bool) bool {
			if !exists || 0 < subs.Len() {
				return false
			}
			subs.Close()
			return true
		})
	}
}
