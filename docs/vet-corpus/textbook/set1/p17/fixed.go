package p17

import "sync/atomic"

// ElectionFixed is safe for concurrent use.
type ElectionFixed struct {
	leader atomic.Value // string; "" means none
}

// NewElectionFixed returns an election with no leader.
func NewElectionFixed() *ElectionFixed {
	e := &ElectionFixed{}
	e.leader.Store("")
	return e
}

// CampaignFixed makes id the leader if there is none, atomically, reporting
// whether id leads.
func (e *ElectionFixed) CampaignFixed(id string) bool {
	if e.leader.CompareAndSwap("", id) {
		return true
	}
	return e.leader.Load().(string) == id
}

// ResignFixed gives up leadership held by id.
func (e *ElectionFixed) ResignFixed(id string) {
	e.leader.CompareAndSwap(id, "")
}
