package t20

// Fix: the store gets a conditional removal, RemoveIfCritical, which
// re-evaluates "critical for at least d" and deletes the check in the same
// critical section. The reaper uses CriticalFor only as a list of
// candidates; a candidate is claimed with RemoveIfCritical before the catalog
// is touched, so a heartbeat that lands before the claim keeps the service
// registered, and one that lands after it correctly gets ErrUnknownCheck for
// a service that really was dead. If the catalog call fails the check is put
// back so the next round retries.

import (
	"context"
	"log"
	"time"
)

// conditionalStore is a CheckStore that can remove atomically on a condition.
type conditionalStore interface {
	CheckStore
	RemoveIfCritical(serviceID string, d time.Duration, now time.Time) (*Check, bool)
	Restore(c *Check)
}

// RemoveIfCritical deletes the check only if it is still critical for at
// least d at time now, returning the removed check.
func (s *memCheckStore) RemoveIfCritical(id string, d time.Duration, now time.Time) (*Check, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.checks[id]
	if !ok {
		return nil, false
	}
	if since, crit := criticalSince(c, now); !crit || now.Sub(since) < d {
		return nil, false
	}
	delete(s.checks, id)
	return c, true
}

// Restore re-inserts c unless the service re-registered meanwhile.
func (s *memCheckStore) Restore(c *Check) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.checks[c.ServiceID]; !ok {
		s.checks[c.ServiceID] = c
	}
}

// AgentFixed is Agent with an atomic check-and-remove reaper.
type AgentFixed struct {
	checks          conditionalStore
	catalog         Catalog
	deregisterAfter time.Duration
	now             func() time.Time
}

// NewAgentFixed returns an agent with an in-memory check store.
func NewAgentFixed(c Catalog, deregisterAfter time.Duration) *AgentFixed {
	return &AgentFixed{checks: newMemCheckStore(), catalog: c, deregisterAfter: deregisterAfter, now: time.Now}
}

// Heartbeat marks the service's check as passing.
func (a *AgentFixed) Heartbeat(serviceID string) error { return a.checks.Pass(serviceID, a.now()) }

func (a *AgentFixed) reapOnceFixed(ctx context.Context) {
	for _, id := range a.checks.CriticalFor(a.deregisterAfter, a.now()) {
		c, ok := a.checks.RemoveIfCritical(id, a.deregisterAfter, a.now())
		if !ok {
			continue // heartbeat arrived after the scan
		}
		if err := a.catalog.Deregister(ctx, id); err != nil {
			a.checks.Restore(c)
			log.Printf("agent: deregister %s: %v", id, err)
		}
	}
}

// Run reaps every interval until ctx is done.
func (a *AgentFixed) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.reapOnceFixed(ctx)
		}
	}
}
