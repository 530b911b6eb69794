package lockfree

import (
	"runtime"
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the run if any test leaves a goroutine behind, for example a
// waiter that Close did not wake.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// forEachProcs runs f as a subtest at GOMAXPROCS 1, 2 and 4 and restores the
// previous setting.
func forEachProcs(t *testing.T, f func(t *testing.T, procs int)) {
	for _, procs := range []int{1, 2, 4} {
		t.Run("procs="+string(rune('0'+procs)), func(t *testing.T) {
			prev := runtime.GOMAXPROCS(procs)
			defer runtime.GOMAXPROCS(prev)
			f(t, procs)
		})
	}
}
