package s02

import "fmt"

// ReserveFixed holds the write lock across both the availability check and
// the decrement, so no other Reserve can consume the same units in between.
func (inv *Inventory) ReserveFixed(sku string, qty int) error {
	inv.mu.Lock()
	defer inv.mu.Unlock()

	avail, ok := inv.stock[sku]
	if !ok {
		return ErrUnknownSKU
	}
	if avail < qty {
		return fmt.Errorf("%w: %s has %d, want %d", ErrInsufficient, sku, avail, qty)
	}
	inv.stock[sku] = avail - qty
	return nil
}
