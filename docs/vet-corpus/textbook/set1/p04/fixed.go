package p04

import (
	"fmt"
	"sync/atomic"
)

// OrderIDsFixed is safe for concurrent use by request handlers.
type OrderIDsFixed struct {
	prefix string
	seq    atomic.Int64
}

// NextFixed returns a new unique order ID using a single atomic increment.
func (g *OrderIDsFixed) NextFixed() string {
	n := g.seq.Add(1)
	return fmt.Sprintf("%s-%08d", g.prefix, n)
}
