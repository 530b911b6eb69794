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
