package t17

// Fixed version: PlaceOrderFixed locks every item of the order (in sorted
// SKU order, so concurrent orders cannot deadlock), checks availability for
// all lines and reserves them while still holding all the locks. Checking
// and reserving are one atomic step per order.

import (
	"context"
	"fmt"
	"slices"
	"sync"
)

// ServiceFixed tracks stock per SKU.
type ServiceFixed struct {
	mu    sync.RWMutex
	items map[string]*item
}

// NewFixed returns a ServiceFixed with the given opening stock.
func NewFixed(stock map[string]int) *ServiceFixed {
	s := &ServiceFixed{items: make(map[string]*item, len(stock))}
	for sku, n := range stock {
		s.items[sku] = &item{onHand: n}
	}
	return s
}

func (s *ServiceFixed) item(sku string) (*item, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	it, ok := s.items[sku]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrUnknownSKU, sku)
	}
	return it, nil
}

// Available returns the units of sku that can still be reserved.
func (s *ServiceFixed) Available(sku string) (int, error) {
	it, err := s.item(sku)
	if err != nil {
		return 0, err
	}
	it.mu.Lock()
	defer it.mu.Unlock()
	return it.onHand - it.reserved, nil
}

// PlaceOrderFixed reserves every line of o, or none of them.
func (s *ServiceFixed) PlaceOrderFixed(ctx context.Context, o Order) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	want := make(map[string]int, len(o.Lines))
	for _, l := range o.Lines {
		want[l.SKU] += l.Qty
	}
	skus := make([]string, 0, len(want))
	for sku := range want {
		skus = append(skus, sku)
	}
	slices.Sort(skus)

	locked := make([]*item, 0, len(skus))
	defer func() {
		for _, it := range locked {
			it.mu.Unlock()
		}
	}()
	for _, sku := range skus {
		it, err := s.item(sku)
		if err != nil {
			return err
		}
		it.mu.Lock()
		locked = append(locked, it)
		if avail := it.onHand - it.reserved; avail < want[sku] {
			return fmt.Errorf("%w: %s (want %d, have %d)", ErrOutOfStock, sku, want[sku], avail)
		}
	}
	for i, sku := range skus {
		locked[i].reserved += want[sku]
	}
	return nil
}

// Restock adds units received by the warehouse.
func (s *ServiceFixed) Restock(sku string, qty int) {
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
func (s *ServiceFixed) Ship(sku string, qty int) error {
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
