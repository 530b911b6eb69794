package experiments

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// Claim 7: "The Go 1.23 race detector reports false positives inside sync.Map."
// Verdict: false as far as anyone has shown. sync.Map synchronizes through
// sync/atomic and sync.Mutex, which the race detector models exactly; no Go
// issue reports a false positive inside it. The reports people file
// (go.dev/issue/22490, go.dev/issue/24112) were real races in the caller,
// such as copying a sync.Map after first use, which go vet's copylocks check
// catches.
//
// testdata/syncmaprace calls every method from 8 goroutines; it is built with
// -race by this toolchain and by Go 1.23 (GOTOOLCHAIN=go1.23.12, the old
// read/dirty sync.Map the claim is about) and run at GOMAXPROCS 1, 2 and 4.
// Its "racy" mode adds a real race and is the control: a build in which the
// detector reports nothing for it cannot support any verdict.

// claim7Verdict: the control must be reported, the clean program must not.
func claim7Verdict(clean, control runResult) error {
	if control.ExitCode != 66 || !strings.Contains(control.Stderr, "WARNING: DATA RACE") {
		return inconclusive("the race detector did not report the control's deliberate race (exit code %d): it is not on in this build", control.ExitCode)
	}
	if clean.ExitCode != 0 || strings.Contains(clean.Stderr, "DATA RACE") {
		return fmt.Errorf("race report for correct use of sync.Map (exit code %d):\n%s", clean.ExitCode, clean.Stderr)
	}
	return nil
}

var raceEnv = []string{"GORACE=halt_on_error=1 exitcode=66"}

// runClaim7 runs the race-built program at GOMAXPROCS 1, 2 and 4, and the
// control once.
func runClaim7(t *testing.T, exe string) {
	t.Helper()
	control := runProgram(t, exe, 2*time.Minute, append(raceEnv, "GOMAXPROCS=2"), "racy")
	t.Logf("control (a plain counter shared by the goroutines): exit code %d, race reported=%v", control.ExitCode, strings.Contains(control.Stderr, "WARNING: DATA RACE"))
	for _, p := range []string{"1", "2", "4"} {
		clean := runProgram(t, exe, 2*time.Minute, append(raceEnv, "GOMAXPROCS="+p), "clean")
		t.Logf("GOMAXPROCS=%s: exit code %d, stdout %q, race reported=%v", p, clean.ExitCode, strings.TrimSpace(clean.Stdout), strings.Contains(clean.Stderr, "DATA RACE"))
		if err := claim7Verdict(clean, control); err != nil {
			conclude(t, err)
			return
		}
	}
}

func TestClaim7SyncMapIsCleanUnderRace(t *testing.T) {
	runClaim7(t, buildProgram(t, "syncmaprace", "-race"))
}

func TestClaim7Go123SyncMapIsCleanUnderRace(t *testing.T) {
	runClaim7(t, buildWithToolchain(t, oldGo, "syncmaprace", "-race"))
}

// TestClaim7ExperimentFailsOnARacyProgram feeds the verdict a program that
// does race: it must fail.
func TestClaim7ExperimentFailsOnARacyProgram(t *testing.T) {
	exe := buildProgram(t, "syncmaprace", "-race")
	racy := runProgram(t, exe, 2*time.Minute, raceEnv, "racy")
	if err := claim7Verdict(racy, racy); err == nil {
		t.Error("the verdict passed for a program with a data race")
	} else if len(err.Error()) > 200 {
		t.Logf("on a racy program, as it must: %s...", err.Error()[:200])
	}
}
