// Package t18 is the seat-reservation service of the ticketing site. To
// avoid one global lock, every seat (show + seat number) gets its own mutex
// from a lazily filled lock table; holding a seat's mutex, Book checks the
// seat is free, charges the customer's card, and records the sale.
//
// Concurrency: Book runs in HTTP handler goroutines; when sales open for a
// popular show thousands of requests arrive for the same few seats at once.
//
// BUG (per-key lock get-or-create): lockTable.get checks for the seat's mutex
// under the read lock and, when it is absent, acts by creating a new mutex
// and storing it under the write lock, without re-checking. Two requests
// that both miss each install (and lock) their own mutex for the same seat,
// so the per-seat critical section no longer excludes anything.
//
// Harm: the same seat is sold to two customers and both cards are charged;
// the second sale overwrites the first in the inventory, so one customer
// arrives at the venue with a ticket for someone else's seat.
package t18

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// ErrSeatTaken is returned when the seat is already sold.
var ErrSeatTaken = errors.New("t18: seat already sold")

type lockTable struct {
	mu    sync.RWMutex
	locks map[string]*sync.Mutex
}

func (t *lockTable) get(key string) *sync.Mutex {
	t.mu.RLock()
	m, ok := t.locks[key]
	t.mu.RUnlock()
	if ok {
		return m
	}
	m = new(sync.Mutex)
	t.mu.Lock()
	t.locks[key] = m
	t.mu.Unlock()
	return m
}

// Payments charges customers.
type Payments interface {
	Charge(ctx context.Context, customer string, cents int64, ref string) error
}

// Booking sells seats.
type Booking struct {
	pay   Payments
	locks lockTable

	invMu sync.Mutex
	sold  map[string]string // seat key -> customer
}

// NewBooking returns an empty inventory.
func NewBooking(pay Payments) *Booking {
	return &Booking{
		pay:   pay,
		locks: lockTable{locks: make(map[string]*sync.Mutex)},
		sold:  make(map[string]string),
	}
}

func (b *Booking) owner(key string) string {
	b.invMu.Lock()
	defer b.invMu.Unlock()
	return b.sold[key]
}

func (b *Booking) assign(key, customer string) {
	b.invMu.Lock()
	b.sold[key] = customer
	b.invMu.Unlock()
}

func seatKey(show string, seat int) string { return fmt.Sprintf("%s/%d", show, seat) }

// Book sells the seat to customer for price cents.
func (b *Booking) Book(ctx context.Context, show string, seat int, customer string, price int64) error {
	key := seatKey(show, seat)
	m := b.locks.get(key)
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
