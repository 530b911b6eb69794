// Command atomicvalue shows why storing a pointer to one long-lived variable
// in an atomic.Value is not a fix for "GC pressure": a writer mutates the
// shared Config in place and re-stores the same pointer while readers load it.
// Built with -race, the race detector reports the data race. Built without it,
// readers observe torn configurations (A != B), which a fresh *Config per
// Store can never show.
//
// This program races on purpose.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
)

// Config must always have A == B.
type Config struct {
	A, B int
}

var (
	current Config // the "long-lived variable"
	holder  atomic.Value
)

func main() {
	updates, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: atomicvalue updates")
		os.Exit(64)
	}
	holder.Store(&current)
	var stop atomic.Bool
	var wg sync.WaitGroup
	torn := 0
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for first := true; !stop.Load(); first = false {
			c := holder.Load().(*Config)
			if a, b := c.A, c.B; a != b {
				torn++
			}
			if first {
				close(started)
			}
		}
	}()
	// Start writing only once the reader has read: on a busy machine the
	// reader could otherwise first run after the last update, when every
	// write is ordered before its reads and there is no race to report.
	<-started
	for i := 1; i <= updates; i++ {
		current.A = i // in-place update of the shared variable
		current.B = i
		holder.Store(&current)
		if i%64 == 0 {
			runtime.Gosched() // let the reader run between updates even with GOMAXPROCS=1
		}
	}
	stop.Store(true)
	wg.Wait()
	fmt.Printf("torn reads (A != B) observed: %d\n", torn)
}
