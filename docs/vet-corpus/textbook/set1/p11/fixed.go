package p11

// InventoryFixed is safe for concurrent use; lock is a 1-slot semaphore.
type InventoryFixed struct {
	lock  chan struct{}
	stock map[string]int
}

// ReserveFixed takes n units of sku, holding the lock across check and
// decrement.
func (inv *InventoryFixed) ReserveFixed(sku string, n int) error {
	inv.lock <- struct{}{}
	defer func() { <-inv.lock }()
	if inv.stock[sku] < n {
		return ErrOutOfStock
	}
	inv.stock[sku] -= n
	return nil
}
