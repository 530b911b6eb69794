package experiments

import (
	"strings"
	"testing"
	"time"
)

// Claim 4: "Ranging over a plain map while other goroutines write silently
// skips keys (rather than crashing)."
// Verdict: false. The runtime checks a "writing" flag during iteration and
// stops the whole program with the unrecoverable
// "fatal error: concurrent map iteration and map write" (best effort, but
// in practice within microseconds). Under -race the race detector reports
// the race first. (Skipping or repeating entries is what a *single* goroutine
// may see when it modifies the map it is ranging over; that is allowed.)

func TestClaim4ConcurrentIterationAndWriteCrashes(t *testing.T) {
	exe := buildProgram(t, "mapiter")
	res := runProgram(t, exe, time.Minute, nil, "20")
	first, _, _ := strings.Cut(res.Stderr, "\n")
	t.Logf("exit code %d, first line of stderr: %q, stdout: %q", res.ExitCode, first, res.Stdout)
	if res.ExitCode == 0 {
		t.Fatalf("the program ran 20 s without the runtime noticing: %s", res.Stdout)
	}
	if res.ExitCode != 2 || !strings.Contains(res.Stderr, "fatal error: concurrent map") {
		t.Errorf("exit code %d (runtime fatal errors exit with 2), stderr %q: want a concurrent map fatal error", res.ExitCode, first)
	}
}
