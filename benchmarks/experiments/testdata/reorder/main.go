// Command reorder runs the store-buffering litmus test
//
//	goroutine 1: x = 1; r1 = y        goroutine 2: y = 1; r2 = x
//
// many times, once with plain variables and once with sync/atomic, and prints
// how often both goroutines read 0 (r1 == 0 && r2 == 0). That outcome needs a
// store to be reordered after the following load; x86 allows it for plain
// stores (store buffer), Go's memory model forbids it for atomics.
//
// The plain variant is a data race on purpose: never build it with -race.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

type padded struct {
	v int64
	_ [56]byte
}

type padCounter struct {
	atomic.Int64
	_ [56]byte
}

var (
	x, y      padded
	xa, ya    padCounter
	arrive    padCounter
	done      padCounter
	r1, r2    int64
	useAtomic bool
)

func main() {
	iters, err := strconv.Atoi(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "usage: reorder iterations")
		os.Exit(64)
	}
	budget := 3 * time.Second
	for _, mode := range []bool{false, true} {
		useAtomic = mode
		ran, both0 := litmus(iters, time.Now().Add(budget))
		name := "plain "
		if mode {
			name = "atomic"
		}
		fmt.Printf("%s: %d of %d iterations saw r1 == 0 && r2 == 0\n", name, both0, ran)
	}
}

// delay spins a pseudo-random short time so the two goroutines' critical
// sections overlap in some iterations.
func delay(seed *uint32) {
	*seed ^= *seed << 13
	*seed ^= *seed >> 17
	*seed ^= *seed << 5
	for i := uint32(0); i < *seed%1024; i++ {
		runtime.KeepAlive(i)
	}
}

// wait spins until c reaches want or the deadline passes.
func wait(c *padCounter, want int64, deadline time.Time) bool {
	for spins := 0; c.Load() < want; spins++ {
		if spins%4096 == 4095 {
			if time.Now().After(deadline) {
				return false
			}
			runtime.Gosched()
		}
	}
	return true
}

func litmus(iters int, deadline time.Time) (ran, both0 int) {
	arrive.Store(0)
	done.Store(0)
	stop := make(chan struct{})
	go func() {
		defer close(stop)
		seed := uint32(7)
		for i := int64(1); i <= int64(iters); i++ {
			arrive.Add(1)
			if !wait(&arrive, 2*i, deadline) {
				return
			}
			delay(&seed)
			if useAtomic {
				ya.Store(1)
				r2 = xa.Load()
			} else {
				y.v = 1
				r2 = x.v
			}
			done.Store(i)
		}
	}()
	seed := uint32(13)
	for i := int64(1); i <= int64(iters); i++ {
		x.v, y.v = 0, 0
		xa.Store(0)
		ya.Store(0)
		arrive.Add(1)
		if !wait(&arrive, 2*i, deadline) {
			break
		}
		delay(&seed)
		if useAtomic {
			xa.Store(1)
			r1 = ya.Load()
		} else {
			x.v = 1
			r1 = y.v
		}
		if !wait(&done, i, deadline) {
			break
		}
		ran++
		if r1 == 0 && r2 == 0 {
			both0++
		}
	}
	arrive.Add(1 << 40) // release the other goroutine if it is still waiting
	<-stop
	return ran, both0
}
