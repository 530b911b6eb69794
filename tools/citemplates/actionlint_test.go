package citemplates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestActionlintPassesOnWorkflows(t *testing.T) {
	root := repoRoot(t)
	findings, err := Actionlint(root, workflowFiles(t, root))
	require.NoError(t, err)
	assert.Empty(t, findings)
}

// compositeProject lays out a throwaway repository whose workflow uses the composite
// action through a local path, so actionlint checks the call against action.yml.
func compositeProject(t *testing.T, with string) (string, string) {
	t.Helper()
	root := repoRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(root, "ci-templates", "github", "race-fuzz", "action.yml"))
	require.NoError(t, err)
	writeFile(t, filepath.Join(dir, "ci-templates", "github", "race-fuzz", "action.yml"), string(src))
	wf := filepath.Join(dir, ".github", "workflows", "use-action.yml")
	writeFile(t, wf, `name: use-action
on:
  push:
  pull_request:
permissions: {}
jobs:
  race-fuzz:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      security-events: write
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - id: rf
        uses: ./ci-templates/github/race-fuzz
        with:
`+with+`
      - env:
          RACE: ${{ steps.rf.outputs.race-outcome }}
          FUZZ: ${{ steps.rf.outputs.fuzz-outcome }}
          VET: ${{ steps.rf.outputs.vet-outcome }}
        run: echo "race=$RACE fuzz=$FUZZ vet=$VET"
`)
	return dir, wf
}

func TestActionlintPassesOnCompositeActionCaller(t *testing.T) {
	dir, wf := compositeProject(t, `          go-version-file: go.mod
          cpu: "1,4"
          fuzz-time: 30s
          fuzz-budget: 5m
          max-parallel: "2"
          racecheck-version: v0.1.0
          sarif: "true"
          vet: "true"
          artifact-suffix: linux`)
	findings, err := Actionlint(dir, []string{wf})
	require.NoError(t, err)
	assert.Empty(t, findings)
	ours, err := LintFile(wf)
	require.NoError(t, err)
	assert.Empty(t, ours)
}

func TestActionlintResolvesCompositeActionInputs(t *testing.T) {
	dir, wf := compositeProject(t, `          no-such-input: x`)
	findings, err := Actionlint(dir, []string{wf})
	require.NoError(t, err)
	require.NotEmpty(t, findings, "actionlint must check the call against action.yml")
	assert.True(t, strings.Contains(findings[0].Msg, "no-such-input"), "%v", findings)
}

func TestActionlintRejectsBrokenReusableCall(t *testing.T) {
	root := repoRoot(t)
	dir := t.TempDir()
	src, err := os.ReadFile(filepath.Join(root, ".github", "workflows", "go-race-fuzz.yml"))
	require.NoError(t, err)
	writeFile(t, filepath.Join(dir, ".github", "workflows", "go-race-fuzz.yml"), string(src))
	caller := filepath.Join(dir, ".github", "workflows", "caller.yml")
	writeFile(t, caller, `on: push
permissions: {}
jobs:
  rf:
    permissions:
      contents: read
    uses: ./.github/workflows/go-race-fuzz.yml
    with:
      max-parallel: 4
      no-such-input: x
`)
	findings, err := Actionlint(dir, []string{caller})
	require.NoError(t, err)
	require.NotEmpty(t, findings, "an undeclared input of the reusable workflow must be reported")
	assert.Contains(t, findings[0].Msg, "no-such-input")
}
