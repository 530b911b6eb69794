package sharedpointer_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/sharedpointer"
)

// TestAnalyzer checks pointers to written variables are reported and
// pointers to fresh or never-written variables are not.
func TestAnalyzer(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, sharedpointer.Analyzer, "sharedpointer")
}
