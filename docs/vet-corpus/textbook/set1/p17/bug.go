// Package p17 is an in-process leader election among replica goroutines.
//
// BUG: Campaign Loads the current leader and, if empty, Stores its own ID.
// Two replicas that campaign together both see no leader, both Store and both
// return true: two leaders run the singleton job (e.g. both send the nightly
// invoice batch).
package p17

import (
	"sync/atomic"
	"time"
)

// Election is safe for concurrent use.
type Election struct {
	leader atomic.Value // string; "" means none
}

// NewElection returns an election with no leader.
func NewElection() *Election {
	e := &Election{}
	e.leader.Store("")
	return e
}

// Campaign makes id the leader if there is none, reporting whether id leads.
func (e *Election) Campaign(id string) bool {
	cur := e.leader.Load().(string)
	if cur == "" {
		e.leader.Store(id)
		return true
	}
	return cur == id
}

// Resign gives up leadership held by id.
func (e *Election) Resign(id string) {
	e.leader.CompareAndSwap(id, "")
}

// RunReplica campaigns periodically and runs lead while leader.
func RunReplica(e *Election, id string, lead func(), stop <-chan struct{}) {
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				e.Resign(id)
				return
			case <-t.C:
				if e.Campaign(id) {
					lead()
				}
			}
		}
	}()
}
