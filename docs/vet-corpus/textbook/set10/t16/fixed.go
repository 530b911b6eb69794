package t16

// Fix: writers publish with CompareAndSwap on the snapshot pointer they
// computed from. If another writer published in between, the CAS fails and
// the membership check and the new slice are recomputed from the newer
// snapshot, so no update is ever lost. Readers are unchanged and stay
// lock-free.

// updateFixed applies fn to the current snapshot and publishes the result
// only if the snapshot is still current; otherwise it retries.
func (l *PeerList) updateFixed(fn func(cur []Peer) ([]Peer, bool)) bool {
	for {
		curp := l.peers.Load()
		next, changed := fn(*curp)
		if !changed {
			return false
		}
		if l.peers.CompareAndSwap(curp, &next) {
			return true
		}
	}
}

// JoinFixed adds p unless a peer with the same ID is present.
func (l *PeerList) JoinFixed(p Peer) bool {
	return l.updateFixed(func(cur []Peer) ([]Peer, bool) {
		if indexOf(cur, p.ID) >= 0 {
			return cur, false
		}
		next := make([]Peer, len(cur), len(cur)+1)
		copy(next, cur)
		return append(next, p), true
	})
}

// LeaveFixed removes the peer with the given ID.
func (l *PeerList) LeaveFixed(id string) bool {
	return l.updateFixed(func(cur []Peer) ([]Peer, bool) {
		i := indexOf(cur, id)
		if i < 0 {
			return cur, false
		}
		next := make([]Peer, 0, len(cur)-1)
		next = append(next, cur[:i]...)
		return append(next, cur[i+1:]...), true
	})
}
