// Package s18 consumes payment messages from an at-least-once queue and
// deduplicates them through a SeenStore interface. [hard]
//
// BUG (check and act are two interface calls): handle calls seen.Seen(id)
// and, if false, charges the card and then calls seen.Mark(id). memSeen
// locks inside each method, but nothing holds across the pair. Run starts
// several worker goroutines on the same delivery channel, and the broker
// redelivers a message when its ack is late (a slow charge is exactly when
// that happens), so the original and the redelivery are handled by two
// workers at once: both see "not seen", both charge, and the customer is
// billed twice for one order.
package s18

import (
	"context"
	"log"
	"sync"
	"time"
)

type Message struct {
	ID       string
	Customer string
	Cents    int64
	Ack      func()
}

// SeenStore remembers processed message IDs. Implementations must be safe
// for concurrent use.
type SeenStore interface {
	Seen(id string) bool
	Mark(id string)
}

type memSeen struct {
	mu  sync.Mutex
	ids map[string]time.Time
}

func NewMemSeen() SeenStore { return &memSeen{ids: map[string]time.Time{}} }

func (m *memSeen) Seen(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.ids[id]
	return ok
}

func (m *memSeen) Mark(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids[id] = time.Now()
}

type Consumer struct {
	Seen   SeenStore
	Charge func(ctx context.Context, customer string, cents int64) error
}

func (c *Consumer) handle(ctx context.Context, m Message) error {
	if c.Seen.Seen(m.ID) {
		return nil // duplicate delivery
	}
	if err := c.Charge(ctx, m.Customer, m.Cents); err != nil {
		return err // not marked: the redelivery will retry
	}
	c.Seen.Mark(m.ID)
	return nil
}

// Run processes deliveries with n workers until the channel is closed.
func (c *Consumer) Run(ctx context.Context, deliveries <-chan Message, n int) {
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
