package callbackreentry_test

import (
	"path/filepath"
	"testing"

	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/callbackreentry"
)

// TestAnalyzer checks calls back into the same map from a running callback
// are reported, and calls on other maps, after the callback, from goroutines
// or on the Batch are not.
func TestAnalyzer(t *testing.T) {
	testdata, err := filepath.Abs("../testdata")
	if err != nil {
		t.Fatal(err)
	}
	analysistest.Run(t, testdata, callbackreentry.Analyzer, "callbackreentry")
}
