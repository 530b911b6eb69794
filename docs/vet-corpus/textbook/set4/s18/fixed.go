package s18

import (
	"context"
	"errors"
	"log"
	"sync"
)

// ClaimStore replaces Seen/Mark with an atomic claim: Claim checks and records
// the id in one step and tells the caller whether it now owns the message,
// whether another worker is still processing it, or whether it is done.
type ClaimStore interface {
	Claim(id string) ClaimResult
	Complete(id string)
	Unclaim(id string) // processing failed; allow a later redelivery to retry
}

type ClaimResult int

const (
	Claimed ClaimResult = iota
	InProgress
	Done
)

var errInFlight = errors.New("message is being processed by another worker")

type memClaims struct {
	mu   sync.Mutex
	done map[string]bool // present: claimed; true: completed
}

func NewMemClaims() ClaimStore { return &memClaims{done: map[string]bool{}} }

func (m *memClaims) Claim(id string) ClaimResult {
	m.mu.Lock()
	defer m.mu.Unlock()
	done, ok := m.done[id]
	switch {
	case !ok:
		m.done[id] = false
		return Claimed
	case done:
		return Done
	default:
		return InProgress
	}
}

func (m *memClaims) Complete(id string) {
	m.mu.Lock()
	m.done[id] = true
	m.mu.Unlock()
}

func (m *memClaims) Unclaim(id string) {
	m.mu.Lock()
	delete(m.done, id)
	m.mu.Unlock()
}

type ConsumerFixed struct {
	Claims ClaimStore
	Charge func(ctx context.Context, customer string, cents int64) error
}

func (c *ConsumerFixed) handle(ctx context.Context, m Message) error {
	switch c.Claims.Claim(m.ID) {
	case Done:
		return nil // duplicate of a completed message: ack it
	case InProgress:
		return errInFlight // do not ack; the broker will redeliver later
	}
	if err := c.Charge(ctx, m.Customer, m.Cents); err != nil {
		c.Claims.Unclaim(m.ID)
		return err
	}
	c.Claims.Complete(m.ID)
	return nil
}

func (c *ConsumerFixed) Run(ctx context.Context, deliveries <-chan Message, n int) {
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for m := range deliveries {
				if err := c.handle(ctx, m); err != nil {
					log.Printf("message %s: %v", m.ID, err)
					continue
				}
				m.Ack()
			}
		}()
	}
	wg.Wait()
}
