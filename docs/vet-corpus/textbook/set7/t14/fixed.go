// Fix: the store offers a conditional write, CompareAndPutFixed, that stores
// the new lease only if the lease is still exactly the one the elector
// checked; the check of the old lease and the write of the new one are thus
// one atomic step in the store, and only one contender can win an epoch.

package t14

import (
	"context"
	"log"
	"time"
)

// LeaseStoreFixed persists leases with a conditional write.
type LeaseStoreFixed interface {
	Get(ctx context.Context, name string) (Lease, error)
	CompareAndPutFixed(ctx context.Context, name string, old, next Lease) (bool, error)
}

// CompareAndPutFixed stores next only if the current lease equals old.
func (m *MemStore) CompareAndPutFixed(_ context.Context, name string, old, next Lease) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	cur := m.leases[name]
	if cur.Holder != old.Holder || cur.Epoch != old.Epoch || !cur.Expires.Equal(old.Expires) {
		return false, nil
	}
	m.leases[name] = next
	return true, nil
}

// ElectorFixed campaigns for one lease using conditional writes.
type ElectorFixed struct {
	Store     LeaseStoreFixed
	Name      string
	ID        string
	TTL       time.Duration
	OnLeading func(epoch int64)
}

func (e *ElectorFixed) tryAcquire(ctx context.Context) (Lease, bool, error) {
	cur, err := e.Store.Get(ctx, e.Name)
	if err != nil {
		return Lease{}, false, err
	}
	now := time.Now()
	if cur.Holder != "" && cur.Holder != e.ID && now.Before(cur.Expires) {
		return cur, false, nil
	}
	next := Lease{Holder: e.ID, Expires: now.Add(e.TTL), Epoch: cur.Epoch}
	if cur.Holder != e.ID {
		next.Epoch++
	}
	ok, err := e.Store.CompareAndPutFixed(ctx, e.Name, cur, next)
	if err != nil || !ok {
		return cur, false, err
	}
	return next, true, nil
}

// Run campaigns every TTL/3 until ctx is done.
func (e *ElectorFixed) Run(ctx context.Context) {
	t := time.NewTicker(e.TTL / 3)
	defer t.Stop()
	for {
		if l, ok, err := e.tryAcquire(ctx); err != nil {
			log.Printf("elector %s: %v", e.ID, err)
		} else if ok {
			e.OnLeading(l.Epoch)
		}
		select {
		case <-t.C:
		case <-ctx.Done():
			return
		}
	}
}
