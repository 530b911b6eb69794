package experiments

import (
	"regexp"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// Claim 5: "A store followed by a load is not atomic and can be reordered on
// x86", with a Go program using sync/atomic to observe it.
// Verdict: true for plain (racy) variables, false for sync/atomic. x86-TSO
// lets a later load pass an earlier store to another address (the store
// buffer), so the store-buffering litmus test can end with r1 == r2 == 0 when
// the variables are plain. Go's memory model makes all atomic operations
// sequentially consistent ("behave as though executed in some sequentially
// consistent order"), and on amd64 atomic stores compile to XCHG, a full
// barrier, so with sync/atomic that outcome never happens.

var litmusLine = regexp.MustCompile(`(?m)^(plain |atomic): (\d+) of (\d+) iterations`)

func TestClaim5StoreLoadReordering(t *testing.T) {
	exe := buildProgram(t, "reorder")
	res := runProgram(t, exe, time.Minute, nil, "100000")
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d: %s", res.ExitCode, res.Stderr)
	}
	t.Logf("GOMAXPROCS=%d NumCPU=%d\n%s", runtime.GOMAXPROCS(0), runtime.NumCPU(), res.Stdout)
	m := litmusLine.FindAllStringSubmatch(res.Stdout, -1)
	if len(m) != 2 {
		t.Fatalf("unexpected output: %s", res.Stdout)
	}
	atomicBoth0, err1 := strconv.Atoi(m[1][2])
	atomicRan, err2 := strconv.Atoi(m[1][3])
	if err1 != nil || err2 != nil {
		t.Fatalf("unexpected output: %s", res.Stdout)
	}
	if atomicRan == 0 {
		t.Error("the atomic variant did not complete one iteration")
	}
	// The memory model forbids this outcome for atomics, on every architecture.
	if atomicBoth0 != 0 {
		t.Errorf("sequentially consistent atomics were reordered %d times", atomicBoth0)
	}
}
