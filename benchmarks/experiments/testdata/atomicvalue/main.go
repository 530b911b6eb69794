// Command atomicvalue shows why storing a pointer to one long-lived variable
// in an atomic.Value is not a fix for "GC pressure".
//
//	atomicvalue inplace    a reader loads the pointer and reads the Config while
//	                       the writer mutates that same Config in place, then
//	                       re-stores the pointer: a data race every time
//	atomicvalue fresh      the same steps, but the writer publishes a fresh
//	                       *Config: no race
//	atomicvalue torn N     N in-place updates against a spinning reader, counting
//	                       the torn Configs (A != B) the reader sees
//
// In the first two modes nothing orders the reader's read and the writer's
// write (the reader signals nothing back, and the writer re-publishes only
// after the reader has finished), so a -race build reports the in-place race
// on every run, whichever access happens first. The torn mode depends on
// scheduling and is meant for a build without -race.
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

func usage() {
	fmt.Fprintln(os.Stderr, "usage: atomicvalue inplace|fresh|torn N")
	os.Exit(64)
}

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch os.Args[1] {
	case "inplace", "fresh":
		a, b := once(os.Args[1] == "inplace")
		fmt.Printf("reader saw A=%d B=%d\n", a, b)
	case "torn":
		if len(os.Args) != 3 {
			usage()
		}
		n, err := strconv.Atoi(os.Args[2])
		if err != nil {
			usage()
		}
		fmt.Printf("torn reads (A != B) observed: %d\n", torn(n))
	default:
		usage()
	}
}

// once publishes a Config, lets one reader read it, and updates it: in place
// (then re-stores the same pointer) or by publishing a fresh value.
func once(inPlace bool) (a, b int) {
	current = Config{A: 1, B: 1}
	holder.Store(&current)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		c := holder.Load().(*Config)
		a, b = c.A, c.B
	}()
	if inPlace {
		current.A, current.B = 2, 2 // races with the reader's read
		wg.Wait()
		holder.Store(&current)
	} else {
		holder.Store(&Config{A: 2, B: 2})
		wg.Wait()
	}
	return a, b
}

// torn runs updates in-place updates while a reader spins on the value.
func torn(updates int) int {
	holder.Store(&current)
	var stop atomic.Bool
	var wg sync.WaitGroup
	n := 0
	started := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for first := true; !stop.Load(); first = false {
			c := holder.Load().(*Config)
			if a, b := c.A, c.B; a != b {
				n++
			}
			if first {
				close(started)
			}
		}
	}()
	<-started
	for i := 1; i <= updates; i++ {
		current.A = i
		current.B = i
		holder.Store(&current)
		if i%64 == 0 {
			runtime.Gosched() // let the reader run between updates even with GOMAXPROCS=1
		}
	}
	stop.Store(true)
	wg.Wait()
	return n
}
