// Package q08 hands out blocks of order IDs to shards. A block must belong to
// exactly one shard, because shards write rows with those primary keys.
//
// BUG: Reserve loads the high-water mark, checks the block fits under the
// ceiling, and stores the new mark. Two shards reserving at once load the same
// mark and receive overlapping blocks, so both insert orders with the same IDs
// (duplicate-key failures or, with upserts, one order silently overwriting
// another).
package q08

import (
	"errors"
	"fmt"
	"sync/atomic"
)

var ErrExhausted = errors.New("id space exhausted")

type Block struct{ Start, End int64 } // [Start, End)

func (b Block) String() string { return fmt.Sprintf("[%d,%d)", b.Start, b.End) }

// Allocator is called concurrently by shard goroutines.
type Allocator struct {
	next    atomic.Int64
	ceiling int64
}

func NewAllocator(start, ceiling int64) *Allocator {
	a := &Allocator{ceiling: ceiling}
	a.next.Store(start)
	return a
}

func (a *Allocator) Reserve(n int64) (Block, error) {
	if n <= 0 {
		return Block{}, fmt.Errorf("bad block size %d", n)
	}
	start := a.next.Load()
	if start+n > a.ceiling {
		return Block{}, ErrExhausted
	}
	a.next.Store(start + n)
	return Block{Start: start, End: start + n}, nil
}

// RunShards starts one goroutine per shard, each reserving its first block.
func RunShards(a *Allocator, shards int, use func(shard int, b Block)) {
	for i := 0; i < shards; i++ {
		go func(shard int) {
			b, err := a.Reserve(1000)
			if err != nil {
				return
			}
			use(shard, b)
		}(i)
	}
}
