package lincheck

import (
	"testing"
	"time"
)

// shortBudget is the default Budget of Check under go test -short.
const shortBudget = 500 * time.Millisecond

// Check runs [Run] in a test and fails the test if a violation is found. It
// logs a one-line summary (verdict, rounds, unknown rounds, seed) and, on a
// violation, the readable minimal and original histories, and writes them as
// artifacts (see [LogFailure]). Unknown rounds are logged, not failed. Under
// go test -short a zero opts.Budget becomes 500ms. Invalid arguments or a
// panicking operation end the test with t.Fatal.
func Check[T, S, I, O any](t testing.TB, spec Spec[T, S, I, O], opts Options) *Report[I, O] {
	t.Helper()
	if testing.Short() && opts.Budget == 0 {
		opts.Budget = shortBudget
	}
	rep, err := Run(spec, opts)
	if err != nil {
		t.Fatal(err)
		return nil
	}
	t.Logf("lincheck: %v", rep)
	if rep.Failure != nil {
		LogFailure(t, rep.Failure)
		t.Errorf("lincheck: not linearizable (seed %d; replay with LINCHECK_SEED=%d)", rep.Seed, rep.Seed)
	}
	return rep
}

// LogFailure logs f's readable histories to t, writes the JSON history and
// the HTML visualisation under the test's artifact directory (t.ArtifactDir on
// Go 1.26, a new temporary directory on Go 1.25), and announces their paths
// with t.Attr under the keys lincheck.history and lincheck.visualization. It
// does not fail the test: use it to record a violation that is expected, such
// as one in a third-party implementation.
func LogFailure[I, O any](t testing.TB, f *Failure[I, O]) {
	t.Helper()
	t.Log(f.String())
	dir, err := artifactDir(t)
	if err != nil {
		t.Logf("lincheck: no artifact directory: %v", err)
		return
	}
	jsonPath, htmlPath, err := f.WriteArtifacts(dir)
	if err != nil {
		t.Logf("%v", err)
		return
	}
	t.Attr("lincheck.history", jsonPath)
	t.Attr("lincheck.visualization", htmlPath)
}
