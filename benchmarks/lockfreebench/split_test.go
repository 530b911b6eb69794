package lockfreebench

import (
	"strconv"
	"sync"
	"testing"
)

// share returns how many of n operations goroutine i of g performs.
func share(n, g, i int) int {
	s := n / g
	if i < n%g {
		s++
	}
	return s
}

// runSplit runs b.N operations spread over g goroutines, each calling op with
// its index and its share of the operations, and times them together.
func runSplit(b *testing.B, g int, op func(i, n int)) {
	b.ReportAllocs()
	b.ResetTimer()
	var wg sync.WaitGroup
	for i := range g {
		wg.Go(func() { op(i, share(b.N, g, i)) })
	}
	wg.Wait()
}

func level(name string, n int) string { return name + "=" + strconv.Itoa(n) }
