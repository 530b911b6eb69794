package checkthenact

// Entries that mark a key busy while a function runs: the other half of
// tendermint#7015 (the first, RequestAddrs, is in corpus.go with cMap).

import "time"

type peerID string

type netAddress struct{ ID, Other peerID }

type peerSwitch struct{ reconnecting *cMap }

func (sw *peerSwitch) dial(addr *netAddress) bool { return addr != nil }

// tendermint internal/p2p/switch.go at 1bd1593f2^ (reconnectToPeer): the
// entry says "reconnecting" until the deferred Delete. Two goroutines that
// both find it absent both run the reconnect loop, which the entry exists
// to prevent. Fixed with GetOrSet.
func (sw *peerSwitch) reconnectToPeer(addr *netAddress) {
	if sw.reconnecting.Has(string(addr.ID)) {
		return
	}
	sw.reconnecting.Set(string(addr.ID), addr) // want `both go on as the one that inserted it`
	defer sw.reconnecting.Delete(string(addr.ID))

	start := time.Now()
	for i := 0; i < 10; i++ {
		if sw.dial(addr) {
			return
		}
	}
	_ = start
}

// The fix: GetOrSet claims the key.
func (sw *peerSwitch) reconnectFixed(addr *netAddress) {
	if _, exists := sw.reconnecting.GetOrSet(string(addr.ID), addr); exists {
		return
	}
	defer sw.reconnecting.Delete(string(addr.ID))
	for i := 0; i < 10; i++ {
		if sw.dial(addr) {
			return
		}
	}
}

// Near-miss: the deferred Delete is of another key, so the entry does not
// mark this one busy; storing an equal value twice changes nothing.
func (sw *peerSwitch) rememberPeer(addr *netAddress) {
	if sw.reconnecting.Has(string(addr.ID)) {
		return
	}
	sw.reconnecting.Set(string(addr.ID), addr)
	defer sw.reconnecting.Delete(string(addr.Other))
	for i := 0; i < 10; i++ {
		if sw.dial(addr) {
			return
		}
	}
}
