package experiments

import (
	"fmt"
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
// the race first; the program runs in its own process, built without -race.
// (Skipping or repeating entries is what a *single* goroutine may see when it
// modifies the map it is ranging over; that is allowed.)

// claim4Verdict: the program must have been stopped by the runtime's
// concurrent map misuse check.
func claim4Verdict(res runResult) error {
	first, _, _ := strings.Cut(res.Stderr, "\n")
	switch {
	case res.ExitCode == 0:
		return fmt.Errorf("the program ran to its deadline without the runtime stopping it: %s", strings.TrimSpace(res.Stdout))
	case res.ExitCode != 2 || !strings.Contains(res.Stderr, "fatal error: concurrent map"):
		return fmt.Errorf("exit code %d (runtime fatal errors exit with 2), stderr %q: want a concurrent map fatal error", res.ExitCode, first)
	}
	return nil
}

func TestClaim4ConcurrentIterationAndWriteCrashes(t *testing.T) {
	res := runProgram(t, buildProgram(t, "mapiter"), time.Minute, nil, "20", "shared")
	first, _, _ := strings.Cut(res.Stderr, "\n")
	t.Logf("exit code %d, first line of stderr: %q, stdout: %q", res.ExitCode, first, res.Stdout)
	conclude(t, claim4Verdict(res))
}

// TestClaim4ExperimentFailsWithoutSharing runs the same program with the
// writer on a map of its own, where no crash can occur: the verdict must fail.
func TestClaim4ExperimentFailsWithoutSharing(t *testing.T) {
	res := runProgram(t, buildProgram(t, "mapiter"), time.Minute, nil, "1", "separate")
	if err := claim4Verdict(res); err == nil {
		t.Errorf("the verdict passed although the writer never touched the ranged map: %+v", res)
	} else {
		t.Logf("without sharing, as it must: %v", err)
	}
}
