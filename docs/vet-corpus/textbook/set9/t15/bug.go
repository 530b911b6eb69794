// Package t15 reserves stock for orders in a flash-sale shop. Stock keeps
// on-hand quantities per SKU; Reserver implements the multi-line order
// reservation on top of it through function-typed fields wired to Stock's
// method values (so it can be unit-tested with fakes and, later, pointed at a
// remote inventory service).
//
// [hard]
//
// Concurrency: Reserve is called from checkout HTTP handler goroutines;
// during a flash sale hundreds of checkouts for the same SKU run at once.
// The warehouse sync goroutine calls Stock.Put when goods are restocked.
//
// BUG: reserveLine checks r.available(sku) >= qty and then calls
// r.take(sku, qty). Both are method values of *Stock that lock and unlock
// the stock mutex individually, so the stock can change between the check
// and the take. Reading Reserve, nothing suggests locking at all: the check
// and the act are just two calls through struct fields.
//
// HARM: overselling. With 1 unit left, two concurrent checkouts both see
// available == 1, both take it, on-hand becomes -1, and two customers are
// charged for one item; one order must later be cancelled and refunded.
package t15

import (
	"errors"
	"fmt"
	"log"
	"sync"
)

// ErrOutOfStock is returned when a line cannot be reserved.
var ErrOutOfStock = errors.New("out of stock")

// Stock holds on-hand quantities.
type Stock struct {
	mu     sync.Mutex
	onHand map[string]int
}

// NewStock returns a Stock with the given quantities.
func NewStock(q map[string]int) *Stock {
	s := &Stock{onHand: make(map[string]int)}
	for k, v := range q {
		s.onHand[k] = v
	}
	return s
}

func (s *Stock) Available(sku string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.onHand[sku]
}

func (s *Stock) Take(sku string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onHand[sku] -= n
}

func (s *Stock) Put(sku string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onHand[sku] += n
}

// Line is one order line.
type Line struct {
	SKU string
	Qty int
}

// Reserver reserves all lines of an order or none.
type Reserver struct {
	available func(sku string) int
	take      func(sku string, n int)
	put       func(sku string, n int)
	audit     func(orderID string, l Line)
}

// NewReserver wires a Reserver to s.
func NewReserver(s *Stock) *Reserver {
	return &Reserver{
		available: s.Available,
		take:      s.Take,
		put:       s.Put,
		audit: func(id string, l Line) {
			log.Printf("order %s reserved %d x %s", id, l.Qty, l.SKU)
		},
	}
}

func (r *Reserver) reserveLine(orderID string, l Line) error {
	if r.available(l.SKU) < l.Qty { // check
		return fmt.Errorf("%s: %w", l.SKU, ErrOutOfStock)
	}
	// another checkout may take the same units here
	r.take(l.SKU, l.Qty) // act
	r.audit(orderID, l)
	return nil
}

// Reserve reserves every line of an order, rolling back on failure.
func (r *Reserver) Reserve(orderID string, lines []Line) error {
	for i, l := range lines {
		if err := r.reserveLine(orderID, l); err != nil {
			for _, done := range lines[:i] {
				r.put(done.SKU, done.Qty)
			}
			return err
		}
	}
	return nil
}
