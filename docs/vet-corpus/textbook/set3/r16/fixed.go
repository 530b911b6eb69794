package r16

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// InventoryFixed reserves all lines of an order in one critical section
// (check every line, then decrement every line), and can give a
// reservation back if the payment fails.
type InventoryFixed struct {
	mu    sync.Mutex
	stock map[string]int
}

func NewInventoryFixed(stock map[string]int) *InventoryFixed {
	return &InventoryFixed{stock: stock}
}

func (inv *InventoryFixed) reserve(lines []Line) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	need := make(map[string]int, len(lines))
	for _, l := range lines {
		need[l.SKU] += l.Qty
	}
	for sku, qty := range need {
		if inv.stock[sku] < qty {
			return fmt.Errorf("%w: %s (want %d, have %d)", ErrOutOfStock, sku, qty, inv.stock[sku])
		}
	}
	for sku, qty := range need {
		inv.stock[sku] -= qty
	}
	return nil
}

func (inv *InventoryFixed) unreserve(lines []Line) {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	for _, l := range lines {
		inv.stock[l.SKU] += l.Qty
	}
}

type CheckoutFixed struct {
	Inv      *InventoryFixed
	Payments Payments
}

func (c *CheckoutFixed) Place(ctx context.Context, o Order) error {
	switch err := c.Inv.reserve(o.Lines); {
	case errors.Is(err, ErrOutOfStock):
		return err
	case err != nil:
		return fmt.Errorf("reserve: %w", err)
	}
	if err := c.Payments.Charge(ctx, o.Customer, o.Cents); err != nil {
		c.Inv.unreserve(o.Lines)
		return fmt.Errorf("payment: %w", err)
	}
	return nil
}
