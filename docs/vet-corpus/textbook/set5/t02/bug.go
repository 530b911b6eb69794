// Package t02 is the stock-keeping part of a shop backend. An Inventory holds
// per-SKU on-hand quantities in a map guarded by a sync.Mutex; every accessor
// takes the lock. The checkout HTTP handler (served concurrently by net/http)
// first asks whether enough stock is available and then reserves it.
//
// BUG (check-then-act on map+Mutex, split across helper methods): the check is
// inv.Available(sku) >= qty in HandleCheckout (locks, reads, unlocks), the act
// is inv.Reserve(sku, qty) (locks, decrements, unlocks). Two concurrent
// checkouts for the last unit both pass the check before either reserves, so
// both orders are accepted and the on-hand count goes negative: the shop
// oversells stock it does not have.
package t02

import (
	"encoding/json"
	"net/http"
	"sync"
)

// Inventory is safe for concurrent use.
type Inventory struct {
	mu     sync.Mutex
	onHand map[string]int
}

// NewInventory returns an inventory with the given initial stock.
func NewInventory(stock map[string]int) *Inventory {
	m := make(map[string]int, len(stock))
	for k, v := range stock {
		m[k] = v
	}
	return &Inventory{onHand: m}
}

// Available reports the quantity on hand for sku.
func (inv *Inventory) Available(sku string) int {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	return inv.onHand[sku]
}

// Reserve removes qty units of sku from stock.
func (inv *Inventory) Reserve(sku string, qty int) {
	inv.mu.Lock()
	inv.onHand[sku] -= qty
	inv.mu.Unlock()
}

// Restock adds qty units of sku.
func (inv *Inventory) Restock(sku string, qty int) {
	inv.mu.Lock()
	inv.onHand[sku] += qty
	inv.mu.Unlock()
}

type checkoutRequest struct {
	SKU string `json:"sku"`
	Qty int    `json:"qty"`
}

// HandleCheckout is mounted at POST /checkout.
func (inv *Inventory) HandleCheckout(w http.ResponseWriter, r *http.Request) {
	var req checkoutRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Qty <= 0 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if inv.Available(req.SKU) < req.Qty {
		http.Error(w, "out of stock", http.StatusConflict)
		return
	}
	inv.Reserve(req.SKU, req.Qty)
	w.WriteHeader(http.StatusCreated)
}
