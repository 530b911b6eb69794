// Package t14 is the leader election used by the billing scheduler: only the
// holder of the "billing-cron" lease may start the nightly invoice run. The
// lease lives in a LeaseStore (an in-process implementation is used by the
// single-binary deployment, where every scheduler shard runs an Elector in
// the same process).
//
// Concurrency: each Elector runs its own Run loop goroutine, and all of them
// campaign against the same store on a ticker.
//
// BUG [hard] (lease acquire through an interface): tryAcquire reads the
// current lease with LeaseStore.Get, checks that it is free or expired (or
// already ours), and acts by writing itself in as holder with
// LeaseStore.Put. Each store call is atomic on its own, but nothing ties the
// Put to the lease that was checked, so two electors that both see the
// expired lease both Put and both report themselves leader (the last Put
// wins in the store, but the first elector has already been told it won).
//
// Harm: two schedulers run the nightly invoice job at the same time and
// customers are billed twice.
package t14

import (
	"context"
	"log"
	"sync"
	"time"
)

// Lease is a time-bounded claim on a named role.
type Lease struct {
	Holder  string
	Expires time.Time
	Epoch   int64
}

// LeaseStore persists leases.
type LeaseStore interface {
	Get(ctx context.Context, name string) (Lease, error)
	Put(ctx context.Context, name string, l Lease) error
}

// MemStore is the in-process LeaseStore.
type MemStore struct {
	mu     sync.Mutex
	leases map[string]Lease
}

// NewMemStore returns an empty store.
func NewMemStore() *MemStore { return &MemStore{leases: make(map[string]Lease)} }

func (m *MemStore) Get(_ context.Context, name string) (Lease, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.leases[name], nil
}

func (m *MemStore) Put(_ context.Context, name string, l Lease) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leases[name] = l
	return nil
}

// Elector campaigns for one lease.
type Elector struct {
	Store LeaseStore
	Name  string
	ID    string
	TTL   time.Duration
	// OnLeading is called (in the Run goroutine) each time this elector
	// wins or renews the lease.
	OnLeading func(epoch int64)
}

func (e *Elector) tryAcquire(ctx context.Context) (Lease, bool, error) {
	cur, err := e.Store.Get(ctx, e.Name)
	if err != nil {
		return Lease{}, false, err
	}
	now := time.Now()
	if cur.Holder != "" && cur.Holder != e.ID && now.Before(cur.Expires) {
		return cur, false, nil // someone else holds a live lease
	}
	next := Lease{Holder: e.ID, Expires: now.Add(e.TTL), Epoch: cur.Epoch}
	if cur.Holder != e.ID {
		next.Epoch++
	}
	if err := e.Store.Put(ctx, e.Name, next); err != nil {
		return Lease{}, false, err
	}
	return next, true, nil
}

// Run campaigns every TTL/3 until ctx is done.
func (e *Elector) Run(ctx context.Context) {
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
