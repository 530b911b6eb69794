// Package t16 keeps the peer list of a gossip-based cluster member
// (memberlist / Serf style). Readers - the broadcast loop, the replication
// fan-out and the /members debug endpoint - need a consistent list on every
// tick and must never block, so the list is an immutable slice published
// through an atomic.Pointer (copy-on-write).
//
// Concurrency: Snapshot and Pick are called lock-free from many goroutines.
// Join and Leave are called from the gossip receive goroutines (one per
// incoming push/pull TCP stream and one for the UDP probe loop), so several
// membership changes are routinely applied at the same time when a rack
// reboots or a deploy rolls.
//
// BUG: update loads the current snapshot, checks membership against it
// (Join: "not already present", Leave: "present"), builds the new slice
// from it and stores the result. The load/check and the store are separate
// steps with nothing serialising writers, so a concurrent writer's Store in
// between is overwritten by a slice computed from the older snapshot.
//
// HARM: lost updates. A node that joined concurrently with another vanishes
// from the list; NotifyJoin fires only once per node, so it is never re-added
// and never receives broadcasts or replicas - its data silently goes
// under-replicated. Symmetrically, a Leave can be undone by a racing Join,
// so writes keep being sent to a dead node until the process restarts.
package t16

import (
	"math/rand/v2"
	"sync/atomic"
	"time"
)

// Peer is a cluster member.
type Peer struct {
	ID     string
	Addr   string
	Joined time.Time
	Meta   map[string]string
}

// PeerList is a copy-on-write set of peers.
type PeerList struct {
	peers atomic.Pointer[[]Peer]
}

// NewPeerList returns an empty list.
func NewPeerList() *PeerList {
	l := &PeerList{}
	empty := []Peer{}
	l.peers.Store(&empty)
	return l
}

// Snapshot returns the current peers; the slice must not be modified.
func (l *PeerList) Snapshot() []Peer { return *l.peers.Load() }

// Pick returns up to n random peers for a gossip round.
func (l *PeerList) Pick(n int) []Peer {
	snap := l.Snapshot()
	if n >= len(snap) {
		return snap
	}
	out := make([]Peer, 0, n)
	for _, i := range rand.Perm(len(snap))[:n] {
		out = append(out, snap[i])
	}
	return out
}

func indexOf(peers []Peer, id string) int {
	for i, p := range peers {
		if p.ID == id {
			return i
		}
	}
	return -1
}

// update applies fn to the current snapshot and publishes the result if fn
// reports a change.
func (l *PeerList) update(fn func(cur []Peer) ([]Peer, bool)) bool {
	cur := *l.peers.Load()
	next, changed := fn(cur)
	if changed {
		l.peers.Store(&next)
	}
	return changed
}

// Join adds p unless a peer with the same ID is present.
func (l *PeerList) Join(p Peer) bool {
	return l.update(func(cur []Peer) ([]Peer, bool) {
		if indexOf(cur, p.ID) >= 0 {
			return cur, false
		}
		next := make([]Peer, len(cur), len(cur)+1)
		copy(next, cur)
		return append(next, p), true
	})
}

// Leave removes the peer with the given ID.
func (l *PeerList) Leave(id string) bool {
	return l.update(func(cur []Peer) ([]Peer, bool) {
		i := indexOf(cur, id)
		if i < 0 {
			return cur, false
		}
		next := make([]Peer, 0, len(cur)-1)
		next = append(next, cur[:i]...)
		return append(next, cur[i+1:]...), true
	})
}
