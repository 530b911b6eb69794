package t02

import (
	"encoding/json"
	"net/http"
	"sync"
)

// InventoryFixed is safe for concurrent use.
type InventoryFixed struct {
	mu     sync.Mutex
	onHand map[string]int
}

// TryReserve checks and decrements under one critical section.
func (inv *InventoryFixed) TryReserve(sku string, qty int) bool {
	inv.mu.Lock()
	defer inv.mu.Unlock()
	if inv.onHand[sku] < qty {
		return false
	}
	inv.onHand[sku] -= qty
	return true
}

// Restock adds qty units of sku.
func (inv *InventoryFixed) Restock(sku string, qty int) {
	inv.mu.Lock()
	if inv.onHand == nil {
		inv.onHand = make(map[string]int)
	}
	inv.onHand[sku] += qty
	inv.mu.Unlock()
}

// HandleCheckout is mounted at POST /checkout.
func (inv *InventoryFixed) HandleCheckout(w http.ResponseWriter, r *http.Request) {
	var req checkoutRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Qty <= 0 {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	if !inv.TryReserve(req.SKU, req.Qty) {
		http.Error(w, "out of stock", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusCreated)
}
