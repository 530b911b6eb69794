// Package p11 is a warehouse inventory guarded by a channel used as a lock.
//
// BUG: Reserve takes the channel lock to read the stock, releases it, then
// takes it again to decrement. Two orders for the last 5 units both see 5,
// both decrement: stock goes to -5 and the warehouse oversells.
package p11

import "errors"

// ErrOutOfStock is returned when not enough units are available.
var ErrOutOfStock = errors.New("out of stock")

// Inventory is safe for concurrent use; lock is a 1-slot semaphore.
type Inventory struct {
	lock  chan struct{}
	stock map[string]int
}

// NewInventory returns an inventory with the given initial stock.
func NewInventory(initial map[string]int) *Inventory {
	inv := &Inventory{lock: make(chan struct{}, 1), stock: make(map[string]int)}
	for k, v := range initial {
		inv.stock[k] = v
	}
	return inv
}

// Reserve takes n units of sku for an order.
func (inv *Inventory) Reserve(sku string, n int) error {
	inv.lock <- struct{}{}
	avail := inv.stock[sku]
	<-inv.lock

	if avail < n {
		return ErrOutOfStock
	}

	inv.lock <- struct{}{}
	inv.stock[sku] -= n
	<-inv.lock
	return nil
}
