package checkthenact_test

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/tools/go/analysis/analysistest"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/checkthenact"
)

// defaultPackages are the testdata packages checked without flags.
var defaultPackages = []string{"checkthenact", "lockedhelpers", "lockedmaps", "atomicflags", "lazyglobals", "lazymain", "seqtests"}

// ignoreExpectations swallows analysistest's complaints about expected
// diagnostics that did not come, for runs that leave rules out on purpose.
type ignoreExpectations struct{}

func (ignoreExpectations) Errorf(string, ...any) {}

// categories runs the analyzer over the default testdata packages and
// counts its diagnostics by category.
func categories(t *testing.T, at analysistest.Testing) map[string]int {
	t.Helper()
	testdata, err := filepath.Abs("../testdata")
	require.NoError(t, err)
	n := map[string]int{}
	for _, r := range analysistest.Run(at, testdata, checkthenact.Analyzer, defaultPackages...) {
		for _, d := range r.Diagnostics {
			n[d.Category]++
		}
	}
	return n
}

// TestEveryDiagnosticNamesItsRule checks that each diagnostic carries a
// rule -skip accepts, and that every rule has a positive case in testdata.
func TestEveryDiagnosticNamesItsRule(t *testing.T) {
	n := categories(t, t)
	for c := range n {
		assert.Contains(t, checkthenact.RuleNames, c, "a diagnostic's category is no rule")
	}
	for _, r := range checkthenact.RuleNames {
		assert.Positive(t, n[r], "rule %s has no positive case in the default testdata packages", r)
	}
}

// TestSkip checks that -skip leaves out exactly the rules it names.
func TestSkip(t *testing.T) {
	all := categories(t, t)
	skip := []string{"insert-if-absent", "shared-flag", "lazy-global"}
	require.NoError(t, checkthenact.Analyzer.Flags.Set("skip", strings.Join(skip, ", ")))
	t.Cleanup(func() { _ = checkthenact.Analyzer.Flags.Set("skip", "") })
	some := categories(t, ignoreExpectations{})
	for _, r := range checkthenact.RuleNames {
		if slices.Contains(skip, r) {
			assert.Zero(t, some[r], "rule %s was skipped", r)
		} else {
			assert.Equal(t, all[r], some[r], "rule %s was not skipped", r)
		}
	}
}

// TestSkipRefusesUnknownRules checks that a misspelt rule is an error that
// lists the rules, and leaves the set as it was.
func TestSkipRefusesUnknownRules(t *testing.T) {
	require.NoError(t, checkthenact.Analyzer.Flags.Set("skip", "lost-update"))
	t.Cleanup(func() { _ = checkthenact.Analyzer.Flags.Set("skip", "") })
	err := checkthenact.Analyzer.Flags.Set("skip", "lost-update,lost-updates")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown rule "lost-updates"`)
	assert.Contains(t, err.Error(), "stale-delete")
	assert.Equal(t, "lost-update", checkthenact.Analyzer.Flags.Lookup("skip").Value.String())
}
