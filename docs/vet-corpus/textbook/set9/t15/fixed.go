package t15

// Fix: Stock gains TakeIfAvailableFixed, which checks the on-hand quantity and
// decrements it under one lock acquisition. ReserverFixed is wired to that
// single conditional operation instead of separate available/take functions,
// so no function-typed field can split the check from the act again.

import (
	"fmt"
	"log"
)

// TakeIfAvailableFixed atomically takes n units of sku if at least n are on
// hand, and reports whether it did.
func (s *Stock) TakeIfAvailableFixed(sku string, n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.onHand[sku] < n {
		return false
	}
	s.onHand[sku] -= n
	return true
}

// ReserverFixed reserves all lines of an order or none.
type ReserverFixed struct {
	tryTake func(sku string, n int) bool
	put     func(sku string, n int)
	audit   func(orderID string, l Line)
}

// NewReserverFixed wires a ReserverFixed to s.
func NewReserverFixed(s *Stock) *ReserverFixed {
	return &ReserverFixed{
		tryTake: s.TakeIfAvailableFixed,
		put:     s.Put,
		audit: func(id string, l Line) {
			log.Printf("order %s reserved %d x %s", id, l.Qty, l.SKU)
		},
	}
}

// ReserveFixed reserves every line of an order, rolling back on failure.
func (r *ReserverFixed) ReserveFixed(orderID string, lines []Line) error {
	for i, l := range lines {
		if !r.tryTake(l.SKU, l.Qty) {
			for _, done := range lines[:i] {
				r.put(done.SKU, done.Qty)
			}
			return fmt.Errorf("%s: %w", l.SKU, ErrOutOfStock)
		}
		r.audit(orderID, l)
	}
	return nil
}
