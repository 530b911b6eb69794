package q08

import (
	"errors"
	"fmt"
	"sync/atomic"
)

var ErrExhaustedFixed = errors.New("id space exhausted")

// AllocatorFixed is called concurrently by shard goroutines.
type AllocatorFixed struct {
	next    atomic.Int64
	ceiling int64
}

func NewAllocatorFixed(start, ceiling int64) *AllocatorFixed {
	a := &AllocatorFixed{ceiling: ceiling}
	a.next.Store(start)
	return a
}

// ReserveFixed claims the block with a CompareAndSwap retry loop.
func (a *AllocatorFixed) ReserveFixed(n int64) (Block, error) {
	if n <= 0 {
		return Block{}, fmt.Errorf("bad block size %d", n)
	}
	for {
		start := a.next.Load()
		if start+n > a.ceiling {
			return Block{}, ErrExhaustedFixed
		}
		if a.next.CompareAndSwap(start, start+n) {
			return Block{Start: start, End: start + n}, nil
		}
	}
}

func RunShardsFixed(a *AllocatorFixed, shards int, use func(shard int, b Block)) {
	for i := 0; i < shards; i++ {
		go func(shard int) {
			b, err := a.ReserveFixed(1000)
			if err != nil {
				return
			}
			use(shard, b)
		}(i)
	}
}
