// Package p02 tracks leases held by cluster members.
//
// BUG: Reap Loads a lease, sees it expired, then Deletes the key. If Renew
// Stores a fresh lease for the same member between the Load and the Delete,
// Reap deletes the fresh lease, so a live member loses its lease and its
// shards are reassigned while it is still serving them.
package p02

import (
	"sync"
	"time"
)

// Lease is held by a member until Expires.
type Lease struct {
	Member  string
	Expires time.Time
}

// LeaseTable is safe for concurrent use; Reap runs in a background goroutine.
type LeaseTable struct {
	leases sync.Map // member -> *Lease
	ttl    time.Duration
}

// NewLeaseTable starts a reaper goroutine and returns the table.
func NewLeaseTable(ttl time.Duration, stop <-chan struct{}) *LeaseTable {
	t := &LeaseTable{ttl: ttl}
	go func() {
		tk := time.NewTicker(ttl / 2)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case now := <-tk.C:
				t.Reap(now)
			}
		}
	}()
	return t
}

// Renew grants member a fresh lease.
func (t *LeaseTable) Renew(member string) {
	t.leases.Store(member, &Lease{Member: member, Expires: time.Now().Add(t.ttl)})
}

// Holds reports whether member holds an unexpired lease.
func (t *LeaseTable) Holds(member string) bool {
	v, ok := t.leases.Load(member)
	return ok && time.Now().Before(v.(*Lease).Expires)
}

// ReapOne removes the lease of member if it has expired.
func (t *LeaseTable) ReapOne(member string, now time.Time) {
	v, ok := t.leases.Load(member)
	if !ok {
		return
	}
	if now.After(v.(*Lease).Expires) {
		t.leases.Delete(member)
	}
}

// Reap removes all expired leases.
func (t *LeaseTable) Reap(now time.Time) {
	t.leases.Range(func(k, _ any) bool {
		t.ReapOne(k.(string), now)
		return true
	})
}
