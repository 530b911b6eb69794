// Package r16 places shop orders: validate stock, charge the customer, then
// commit the stock decrement.
//
// BUG (check-then-act split across helpers, the check expressed as an error
// sentinel): Checkout.Place calls validate(), which asks Inventory.check for
// every line and yields ErrOutOfStock when a line cannot be served; only
// when errors.Is(err, ErrOutOfStock) is false does Place charge the card
// and call commit(), which decrements the stock through Inventory.take.
// check and take each hold inv.mu, but the lock is released in between —
// and the payment call in the middle takes hundreds of milliseconds.
// Place runs on concurrent HTTP handler goroutines; during a flash sale
// many customers validate against the same last units, all pass, all are
// charged, and stock goes negative: the shop oversells and must refund and
// apologise to customers whose paid orders can never ship.
package r16

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

var ErrOutOfStock = errors.New("inventory: out of stock")

type Line struct {
	SKU string
	Qty int
}

type Order struct {
	Customer string
	Lines    []Line
	Cents    int64
}

type Payments interface {
	Charge(ctx context.Context, customer string, cents int64) error
}

// Inventory is safe for concurrent use.
type Inventory struct {
	mu    sync.Mutex
	stock map[string]int
}

func NewInventory(stock map[string]int) *Inventory { return &Inventory{stock: stock} }

func (inv *Inventory) check(sku string, qty int) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.stock[sku] < qty {
		return fmt.Errorf("%w: %s (want %d, have %d)", ErrOutOfStock, sku, qty, inv.stock[sku])
	}
	return nil
}

func (inv *Inventory) take(sku string, qty int) {
	inv.mu.Lock()
	inv.stock[sku] -= qty
	inv.mu.Unlock()
}

type Checkout struct {
	Inv      *Inventory
	Payments Payments
}

func (c *Checkout) validate(o Order) error {
	for _, l := range o.Lines {
		if err := c.Inv.check(l.SKU, l.Qty); err != nil {
			return err
		}
	}
	return nil
}

func (c *Checkout) commit(o Order) {
	for _, l := range o.Lines {
		c.Inv.take(l.SKU, l.Qty)
	}
}

// Place is called by the POST /orders handler.
func (c *Checkout) Place(ctx context.Context, o Order) error {
	switch err := c.validate(o); {
	case errors.Is(err, ErrOutOfStock):
		return err
	case err != nil:
		return fmt.Errorf("validate: %w", err)
	}
	if err := c.Payments.Charge(ctx, o.Customer, o.Cents); err != nil {
		return fmt.Errorf("payment: %w", err)
	}
	c.commit(o)
	return nil
}
