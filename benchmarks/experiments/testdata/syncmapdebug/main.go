// Command syncmapdebug exercises sync.Map (stores, loads that miss, deletes,
// Range) and prints only a checksum, so any extra output would come from the
// runtime or the sync package reacting to GODEBUG.
package main

import (
	"fmt"
	"sync"
)

func main() {
	var m sync.Map
	for i := range 10000 {
		m.Store(i, i)
	}
	sum := 0
	for i := range 20000 {
		if v, ok := m.Load(i); ok {
			sum += v.(int)
		}
	}
	for i := 0; i < 10000; i += 2 {
		m.Delete(i)
	}
	n := 0
	m.Range(func(_, _ any) bool { n++; return true })
	fmt.Printf("sum=%d remaining=%d\n", sum, n)
}
