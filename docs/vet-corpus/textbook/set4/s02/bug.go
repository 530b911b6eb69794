// Package s02 is the stock-keeping part of a shop backend.
//
// BUG (check-then-act on a map guarded by an RWMutex): Reserve reads the
// available quantity under the read lock, releases it, and then takes the
// write lock to subtract the quantity. The checkout handler runs on one
// goroutine per HTTP request, so two customers buying the last unit of a SKU
// at the same moment both see avail >= qty and both decrement. Stock goes
// negative and the shop sells goods it does not have (oversell); both
// customers are told their order is confirmed.
package s02

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

var (
	ErrUnknownSKU   = errors.New("inventory: unknown sku")
	ErrInsufficient = errors.New("inventory: insufficient stock")
)

// Inventory tracks units on hand per SKU. Safe for concurrent use.
type Inventory struct {
	mu    sync.RWMutex
	stock map[string]int
}

func NewInventory(initial map[string]int) *Inventory {
	s := make(map[string]int, len(initial))
	for k, v := range initial {
		s[k] = v
	}
	return &Inventory{stock: s}
}

// Available reports units on hand.
func (inv *Inventory) Available(sku string) int {
	inv.mu.RLock()
	defer inv.mu.RUnlock()
	return inv.stock[sku]
}

// Reserve takes qty units of sku out of stock.
func (inv *Inventory) Reserve(sku string, qty int) error {
	inv.mu.RLock()
	avail, ok := inv.stock[sku]
	inv.mu.RUnlock()

	if ok {
		if avail >= qty {
			inv.mu.Lock()
			inv.stock[sku] -= qty
			inv.mu.Unlock()
			return nil
		}
		return fmt.Errorf("%w: %s has %d, want %d", ErrInsufficient, sku, avail, qty)
	}
	return ErrUnknownSKU
}

// Restock adds units, e.g. from the warehouse feed.
func (inv *Inventory) Restock(sku string, qty int) {
	inv.mu.Lock()
	inv.stock[sku] += qty
	inv.mu.Unlock()
}

// CheckoutHandler serves POST /checkout?sku=...&qty=...
func CheckoutHandler(inv *Inventory) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sku := r.FormValue("sku")
		qty, err := strconv.Atoi(r.FormValue("qty"))
		if err != nil || qty <= 0 {
			http.Error(w, "bad qty", http.StatusBadRequest)
			return
		}
		switch err := inv.Reserve(sku, qty); {
		case errors.Is(err, ErrUnknownSKU):
			http.Error(w, err.Error(), http.StatusNotFound)
		case err != nil:
			http.Error(w, err.Error(), http.StatusConflict)
		default:
			fmt.Fprintf(w, "reserved %d x %s\n", qty, sku)
		}
	}
}
