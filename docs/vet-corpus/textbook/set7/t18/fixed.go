// Fix: after a miss under the read lock, the lock table re-checks the map
// under the write lock and only creates a mutex if the key is still absent,
// so every caller for a given seat gets the same mutex.

package t18

import (
	"context"
	"fmt"
	"sync"
)

func (t *lockTable) getFixed(key string) *sync.Mutex {
	t.mu.RLock()
	m, ok := t.locks[key]
	t.mu.RUnlock()
	if ok {
		return m
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if m, ok := t.locks[key]; ok {
		return m
	}
	m = new(sync.Mutex)
	t.locks[key] = m
	return m
}

// BookFixed sells the seat to customer for price cents.
func (b *Booking) BookFixed(ctx context.Context, show string, seat int, customer string, price int64) error {
	key := seatKey(show, seat)
	m := b.locks.getFixed(key)
	m.Lock()
	defer m.Unlock()

	if b.owner(key) != "" {
		return ErrSeatTaken
	}
	if err := b.pay.Charge(ctx, customer, price, key); err != nil {
		return fmt.Errorf("charge %s: %w", customer, err)
	}
	b.assign(key, customer)
	return nil
}
