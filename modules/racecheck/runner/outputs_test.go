package runner_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// TestReportsAppearOnlyWhenComplete: the report files were created empty
// before the run, so a run killed midway (a CI hard timeout) left empty
// JSON and JUnit files behind, which a CI system may read as "no
// failures". A report now appears, whole, only when the run writes it, and
// a stale one from an earlier run is gone from the start.
func TestReportsAppearOnlyWhenComplete(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	require.NoError(t, os.WriteFile(junit, []byte("<stale/>"), 0o644))
	outs := runner.Outputs{JSON: filepath.Join(dir, "r.json"), JUnit: junit}

	open, err := outs.Open()
	require.NoError(t, err)
	assert.NoFileExists(t, outs.JSON, "nothing before the run ends")
	assert.NoFileExists(t, junit, "an earlier run's report is not taken for this one's")
	rep := &report.Report{Schema: report.Schema, Findings: []report.Finding{{Kind: report.KindRace, Message: "data race"}}}
	require.NoError(t, open.Write(rep, &bytes.Buffer{}))
	b, err := os.ReadFile(outs.JSON)
	require.NoError(t, err)
	assert.Contains(t, string(b), "data race")
	b, err = os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(b), "<testsuites")
	st, err := os.Stat(junit)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o644), st.Mode().Perm())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "no temporary file is left: %v", entries)

	// A run that ends without writing leaves nothing.
	require.NoError(t, os.Remove(outs.JSON))
	require.NoError(t, os.Remove(junit))
	open, err = outs.Open()
	require.NoError(t, err)
	require.NoError(t, open.Close())
	entries, err = os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
