package rangewrite_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/rangewrite"
)

// TestAnalyzer checks unsynchronised range/write pairs between a function
// and its goroutines are reported, and synchronised or unrelated ones are
// not.
func TestAnalyzer(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, rangewrite.Analyzer, "rangewrite")
}
