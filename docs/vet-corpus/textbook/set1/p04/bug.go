// Package p04 generates order IDs.
//
// BUG: Next Loads the sequence, adds one and Stores it. Two goroutines that
// both Load 41 both Store and return 42: duplicate order IDs, so one order
// overwrites the other in the orders table.
package p04

import (
	"fmt"
	"sync/atomic"
)

// OrderIDs is safe for concurrent use by request handlers.
type OrderIDs struct {
	prefix string
	seq    atomic.Int64
}

// NewOrderIDs returns a generator starting after start.
func NewOrderIDs(prefix string, start int64) *OrderIDs {
	g := &OrderIDs{prefix: prefix}
	g.seq.Store(start)
	return g
}

// Next returns a new unique order ID.
func (g *OrderIDs) Next() string {
	n := g.seq.Load() + 1
	g.seq.Store(n)
	return fmt.Sprintf("%s-%08d", g.prefix, n)
}
