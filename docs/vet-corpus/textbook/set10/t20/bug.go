// Package t20 is the TTL-check reaper of a service-discovery agent (Consul
// style). Service instances register once at start-up with a TTL health
// check and then heartbeat ("pass") periodically. A check whose TTL lapses
// becomes critical; a service whose check has been critical for longer than
// DeregisterAfter is removed from the catalog by the reaper.
//
// [hard]
//
// Concurrency: Heartbeat runs on HTTP handler goroutines (PUT
// /v1/agent/check/pass/<id>). Run executes reapOnce on a ticker goroutine.
// The agent only sees two interfaces: CheckStore (implemented by
// memCheckStore, every method locked) and Catalog (a remote RPC client).
//
// BUG: reapOnce asks the store for the services that have been critical long
// enough (CriticalFor returns a snapshot of IDs, computed under the store's
// lock) and then, for each ID, calls deregister, which goes to the Catalog
// over the network and then removes the check from the store. The
// criticality that justified the removal was evaluated in an earlier
// critical section; a Heartbeat arriving in between - a service that just
// came back from a long GC pause or a network partition - is ignored.
//
// HARM: a healthy instance that has just heartbeated is deregistered and its
// check deleted. Its next heartbeats fail with "unknown check" (which client
// libraries log and ignore), and since services register only at start-up
// the instance stays out of the catalog and receives no traffic until it is
// restarted. After a zone-wide blip this silently removes a large part of the
// fleet's capacity.
package t20

import (
	"context"
	"errors"
	"log"
	"sync"
	"time"
)

// ErrUnknownCheck is returned for heartbeats of unregistered services.
var ErrUnknownCheck = errors.New("agent: unknown check")

// Check is a TTL health check.
type Check struct {
	ServiceID string
	TTL       time.Duration
	LastPass  time.Time
}

// CheckStore holds the agent's checks.
type CheckStore interface {
	Register(serviceID string, ttl time.Duration, now time.Time)
	Pass(serviceID string, now time.Time) error
	// CriticalFor returns services whose check has been critical for at
	// least d at time now.
	CriticalFor(d time.Duration, now time.Time) []string
	Remove(serviceID string)
}

// Catalog is the cluster-wide service catalog.
type Catalog interface {
	Deregister(ctx context.Context, serviceID string) error
}

type memCheckStore struct {
	mu     sync.Mutex
	checks map[string]*Check
}

func newMemCheckStore() *memCheckStore { return &memCheckStore{checks: make(map[string]*Check)} }

func (s *memCheckStore) Register(id string, ttl time.Duration, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.checks[id] = &Check{ServiceID: id, TTL: ttl, LastPass: now}
}

func (s *memCheckStore) Pass(id string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.checks[id]
	if !ok {
		return ErrUnknownCheck
	}
	c.LastPass = now
	return nil
}

// criticalSince reports when c became critical (LastPass+TTL), if it is.
func criticalSince(c *Check, now time.Time) (time.Time, bool) {
	since := c.LastPass.Add(c.TTL)
	return since, now.After(since)
}

func (s *memCheckStore) CriticalFor(d time.Duration, now time.Time) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for id, c := range s.checks {
		if since, crit := criticalSince(c, now); crit && now.Sub(since) >= d {
			ids = append(ids, id)
		}
	}
	return ids
}

func (s *memCheckStore) Remove(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.checks, id)
}

// Agent runs heartbeats and the reaper.
type Agent struct {
	checks          CheckStore
	catalog         Catalog
	deregisterAfter time.Duration
	now             func() time.Time
}

// NewAgent returns an agent with an in-memory check store.
func NewAgent(c Catalog, deregisterAfter time.Duration) *Agent {
	return &Agent{checks: newMemCheckStore(), catalog: c, deregisterAfter: deregisterAfter, now: time.Now}
}

// Heartbeat marks the service's check as passing.
func (a *Agent) Heartbeat(serviceID string) error { return a.checks.Pass(serviceID, a.now()) }

func (a *Agent) deregister(ctx context.Context, id string) error {
	if err := a.catalog.Deregister(ctx, id); err != nil {
		return err
	}
	a.checks.Remove(id)
	return nil
}

func (a *Agent) reapOnce(ctx context.Context) {
	for _, id := range a.checks.CriticalFor(a.deregisterAfter, a.now()) {
		if err := a.deregister(ctx, id); err != nil {
			log.Printf("agent: deregister %s: %v", id, err)
		}
	}
}

// Run reaps every interval until ctx is done.
func (a *Agent) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.reapOnce(ctx)
		}
	}
}
