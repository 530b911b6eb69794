package checkthenact_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/checkthenact"
)

// TestAnalyzer checks every positive case is reported with the right
// replacement, no near-miss is, and the suggested fixes produce the golden
// file.
func TestAnalyzer(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.RunWithSuggestedFixes(t, testdata, checkthenact.Analyzer, "checkthenact")
}

// TestPlainMaps checks -plainmaps: check-then-act on Go maps whose lock is
// released between the check and the write, and its near-misses.
func TestPlainMaps(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	if err := checkthenact.Analyzer.Flags.Set("plainmaps", "true"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = checkthenact.Analyzer.Flags.Set("plainmaps", "false") })
	analysistest.Run(t, testdata, checkthenact.Analyzer, "plainmaps")
}

// TestLockedHelpers checks that, without -plainmaps, a Go map's delete
// after a check made by a helper that locks around it is reported, and
// the same helpers' get-then-insert is not.
func TestLockedHelpers(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, checkthenact.Analyzer, "lockedhelpers")
}

// TestLockedMaps checks the check-then-act on Go maps under a lock that is
// reported without -plainmaps (a lost update, a stale delete, a delete of
// collected keys, a replace ordered by what it stores, a registration
// that refuses duplicates, a received item inserted and handed on), and
// its near-misses.
func TestLockedMaps(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, checkthenact.Analyzer, "lockedmaps")
}

// TestAtomicFlags checks check-then-act on one atomic variable: a flag or
// state loaded, then stored where the check passed, before an action that
// must happen once; and its near-misses.
func TestAtomicFlags(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, checkthenact.Analyzer, "atomicflags")
}

// TestLazyGlobals checks package-level variables set on first use with
// no lock in functions goroutines started in a loop run, and near-misses.
func TestLazyGlobals(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, checkthenact.Analyzer, "lazyglobals", "lazymain")
}

// TestSequentialTests checks that check-then-act in tests and test helpers
// that start no goroutine is not reported, and in a test that starts one,
// or in the package's other code, still is.
func TestSequentialTests(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, checkthenact.Analyzer, "seqtests")
}
