package p02

import (
	"sync"
	"time"
)

// LeaseTableFixed is safe for concurrent use.
type LeaseTableFixed struct {
	leases sync.Map // member -> *Lease
	ttl    time.Duration
}

// RenewFixed grants member a fresh lease.
func (t *LeaseTableFixed) RenewFixed(member string) {
	t.leases.Store(member, &Lease{Member: member, Expires: time.Now().Add(t.ttl)})
}

// ReapOneFixed removes the lease of member only if the expired lease it
// inspected is still the current one.
func (t *LeaseTableFixed) ReapOneFixed(member string, now time.Time) {
	v, ok := t.leases.Load(member)
	if !ok {
		return
	}
	if now.After(v.(*Lease).Expires) {
		t.leases.CompareAndDelete(member, v)
	}
}

// ReapFixed removes all expired leases.
func (t *LeaseTableFixed) ReapFixed(now time.Time) {
	t.leases.Range(func(k, _ any) bool {
		t.ReapOneFixed(k.(string), now)
		return true
	})
}
