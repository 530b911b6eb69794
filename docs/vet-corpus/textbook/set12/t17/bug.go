// Package t17 is the reservation core of the inventory service. Checkout
// reserves stock for every line of an order before the payment is taken;
// the warehouse system later turns reservations into shipments.
//
// Concurrency: checkout requests run on their own goroutines and call
// Service.PlaceOrder; the warehouse feed goroutine calls Restock and Ship.
// The SKU map is guarded by s.mu (RWMutex) and each item's counters by the
// item's own mutex. Available and reserve each lock the item.
//
// BUG: PlaceOrder first checks Available(sku) >= qty for every line, and
// then, in a second loop, reserves each line. Between the check and the
// reservation another checkout can reserve the same units, so both orders
// pass the check for the last units in stock (check -> act).
//
// HARM: overselling. During a flash sale a few hundred orders are confirmed
// and charged for stock that does not exist, reserved exceeds on hand, and
// the shop has to cancel and refund paid orders (and for limited items,
// cannot fulfil them at all).
package t17

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

var (
	// ErrUnknownSKU is returned for SKUs the service does not stock.
	ErrUnknownSKU = errors.New("inventory: unknown sku")
	// ErrOutOfStock is returned when a line cannot be reserved.
	ErrOutOfStock = errors.New("inventory: out of stock")
)

// Line is one order line.
type Line struct {
	SKU string
	Qty int
}

// Order is what checkout asks to reserve.
type Order struct {
	ID    string
	Lines []Line
}

type item struct {
	mu       sync.Mutex
	onHand   int
	reserved int
}

// Service tracks stock per SKU.
type Service struct {
	mu    sync.RWMutex
	items map[string]*item
}

// New returns a Service with the given opening stock.
func New(stock map[string]int) *Service {
	s := &Service{items: make(map[string]*item, len(stock))}
	for sku, n := range stock {
		s.items[sku] = &item{onHand: n}
	}
	return s
}

func (s *Service) item(sku string) (*item, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[sku]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSKU, sku)
	}
	return it, nil
}

// Available returns the units of sku that can still be reserved.
func (s *Service) Available(sku string) (int, error) {
	it, err := s.item(sku)
	if err != nil {
		return 0, err
	}
	it.mu.Lock()
	defer it.mu.Unlock()
	return it.onHand - it.reserved, nil
}

func (s *Service) reserve(sku string, qty int) {
	it, err := s.item(sku)
	if err != nil {
		return
	}
	it.mu.Lock()
	it.reserved += qty
	it.mu.Unlock()
}

// PlaceOrder reserves every line of o, or none of them.
func (s *Service) PlaceOrder(ctx context.Context, o Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, l := range o.Lines {
		avail, err := s.Available(l.SKU)
		if err != nil {
			return err
		}
		if avail < l.Qty {
			return fmt.Errorf("%w: %s (want %d, have %d)", ErrOutOfStock, l.SKU, l.Qty, avail)
		}
	}
	for _, l := range o.Lines {
		s.reserve(l.SKU, l.Qty)
	}
	return nil
}

// Restock adds units received by the warehouse.
func (s *Service) Restock(sku string, qty int) {
	s.mu.Lock()
	it, ok := s.items[sku]
	if !ok {
		it = &item{}
		s.items[sku] = it
	}
	s.mu.Unlock()
	it.mu.Lock()
	it.onHand += qty
	it.mu.Unlock()
}

// Ship converts a reservation into a shipment.
func (s *Service) Ship(sku string, qty int) error {
	it, err := s.item(sku)
	if err != nil {
		return err
	}
	it.mu.Lock()
	defer it.mu.Unlock()
	it.reserved -= qty
	it.onHand -= qty
	return nil
}
