package readlockwrite_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/readlockwrite"
)

// TestAnalyzer checks writes under a read lock are reported on the paths
// that hold only it, and writes that are exclusive, serialised by a
// caller's lock, made by an owner goroutine or not guarded by the mutex
// anywhere are not.
func TestAnalyzer(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, readlockwrite.Analyzer, "readlockwrite")
}
