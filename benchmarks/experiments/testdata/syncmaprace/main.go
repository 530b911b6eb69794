// Command syncmaprace calls every sync.Map method (Store, LoadOrStore,
// Delete, LoadAndDelete, Swap, CompareAndSwap, CompareAndDelete, Range, Clear,
// Load) from 8 goroutines. Built with -race it shows whether the race detector
// reports anything inside sync.Map. With the argument "racy" every goroutine
// also increments one plain counter, a real data race the detector must
// report: the control that shows the detector is on in this build.
//
// It uses nothing newer than Go 1.23 (sync.Map.Clear is new in 1.23) so it
// runs on the pre-1.24 sync.Map too.
package main

import (
	"fmt"
	"os"
	"sync"
)

func main() {
	if len(os.Args) != 2 || (os.Args[1] != "clean" && os.Args[1] != "racy") {
		fmt.Fprintln(os.Stderr, "usage: syncmaprace clean|racy")
		os.Exit(64)
	}
	racy := os.Args[1] == "racy"
	var m sync.Map
	var wg sync.WaitGroup
	unsynchronized := 0
	const goroutines, rounds, keys = 8, 4000, 64
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				k := (g*rounds + i) % keys
				switch i % 10 {
				case 0:
					m.Store(k, &[4]int{i})
				case 1:
					m.LoadOrStore(k, &[4]int{i})
				case 2:
					m.Delete(k)
				case 3:
					m.LoadAndDelete(k)
				case 4:
					m.Swap(k, &[4]int{i})
				case 5:
					if v, ok := m.Load(k); ok {
						m.CompareAndSwap(k, v, &[4]int{i})
					}
				case 6:
					if v, ok := m.Load(k); ok {
						m.CompareAndDelete(k, v)
					}
				case 7:
					m.Range(func(_, v any) bool { _ = v.(*[4]int)[0]; return true })
				case 8:
					if i%500 == 8 {
						m.Clear()
					}
				default:
					if v, ok := m.Load(k); ok {
						_ = v.(*[4]int)[0]
					}
				}
				if racy {
					unsynchronized++
				}
			}
		}(g)
	}
	wg.Wait()
	fmt.Printf("%d goroutines x %d operations done\n", goroutines, rounds)
}
