package lincheck

import (
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"time"
)

// yieldUsers counts the active [EnableYield] calls.
var yieldUsers atomic.Int32

// Yield is a schedule-perturbation hook: call it inside the windows of an
// implementation (between a read and the write that depends on it, between
// claiming a slot and publishing it) to make other goroutines run there.
//
// In normal builds, and while no [EnableYield] is in effect, Yield does nothing
// but one atomic load: about half a nanosecond, no allocation
// (BenchmarkYield/idle). When built with the racecheck_yield build tag, or
// while [EnableYield] (or [Options.Perturb]) is in effect, each call runs
// runtime.Gosched with probability 1/2 and sleeps a few microseconds with
// probability 1/64, so interleavings that would otherwise be rare happen
// often.
//
// Yield helps most at GOMAXPROCS=1, where goroutines are only switched at
// blocking points and preemption ticks (every 10ms): without it, a short
// read-then-write window is practically never interleaved. At higher
// GOMAXPROCS goroutines already run in parallel and the sleeps widen windows
// that would otherwise last nanoseconds. While active, a call costs about
// 13µs on average (BenchmarkYield/perturbing on a busy 2-core Linux machine),
// almost all of it the occasional sleep, which the runtime's timers round up
// to tens or hundreds of microseconds: enable it in tests, never in
// production.
func Yield() {
	if yieldAlways || yieldUsers.Load() > 0 {
		perturb()
	}
}

func perturb() {
	switch n := rand.Uint32() % 64; {
	case n < 32:
		runtime.Gosched()
	case n == 63:
		time.Sleep(time.Duration(1+rand.IntN(20)) * time.Microsecond)
	}
}

// EnableYield makes [Yield] perturb the schedule until the returned function
// is called. Calls nest: Yield is active while any is in effect. It is safe
// for concurrent use.
func EnableYield() (disable func()) {
	yieldUsers.Add(1)
	var once atomic.Bool
	return func() {
		if once.CompareAndSwap(false, true) {
			yieldUsers.Add(-1)
		}
	}
}
