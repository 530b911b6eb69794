package citemplates

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLintPassesOnShippedTemplates(t *testing.T) {
	root := repoRoot(t)
	for _, f := range templateFiles(t, root) {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			findings, err := LintFile(f)
			require.NoError(t, err)
			assert.Empty(t, findings)
		})
	}
}

const goodWorkflow = `
on:
  workflow_call:
    inputs:
      dir:
        type: string
permissions: {}
jobs:
  test:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - uses: ./local-action
      - env:
          DIR: ${{ inputs.dir }}
        run: go test "$DIR"
`

func TestLintAcceptsSafeWorkflow(t *testing.T) {
	findings, err := Lint("good.yml", []byte(goodWorkflow))
	require.NoError(t, err)
	assert.Empty(t, findings)
}

func TestLintRejectsEachViolation(t *testing.T) {
	cases := []struct {
		name string
		src  string
		rule string
		line int
	}{
		{"inputs in run", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - run: go test ${{ inputs.packages }}
`, RuleExpressionInRun, 8},
		{"github.event in run", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo "${{ github.event.pull_request.title }}"
`, RuleExpressionInRun, 8},
		{"expression in composite action run", `
runs:
  using: composite
  steps:
    - shell: bash
      run: echo ${{ inputs.x }}
`, RuleExpressionInRun, 6},
		{"tag ref", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@v5
`, RuleUnpinnedUses, 8},
		{"short sha", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@d35c59a # v5.5.0
`, RuleUnpinnedUses, 8},
		{"sha without version comment", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-go@d35c59abb061a4a6fb18e82ac0862c26744d6ab5
`, RuleUnpinnedUses, 8},
		{"reusable workflow by branch", `
permissions: {}
jobs:
  a:
    permissions: {}
    uses: org/repo/.github/workflows/x.yml@main
`, RuleUnpinnedUses, 6},
		{"docker tag", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - uses: docker://alpine:3
`, RuleUnpinnedUses, 8},
		{"pull_request_target map", `
on:
  pull_request_target:
    types: [opened]
permissions: {}
jobs: {}
`, RulePullRequestTarget, 3},
		{"pull_request_target list", `
on: [push, pull_request_target]
permissions: {}
jobs: {}
`, RulePullRequestTarget, 2},
		{"no top-level permissions", `
on: push
jobs: {}
`, RulePermissions, 2},
		{"write-all", `
on: push
permissions: write-all
jobs: {}
`, RulePermissions, 3},
		{"job without permissions", `
on: push
permissions: {}
jobs:
  a:
    runs-on: ubuntu-latest
    steps:
      - run: "true"
`, RulePermissions, 5},
		{"checkout keeps credentials", `
permissions: {}
jobs:
  a:
    permissions: {}
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
`, RulePersistCredentials, 8},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings, err := Lint("bad.yml", []byte(tc.src))
			require.NoError(t, err)
			require.Len(t, findings, 1, "%v", findings)
			assert.Equal(t, tc.rule, findings[0].Rule)
			assert.Equal(t, tc.line, findings[0].Line)
			assert.Contains(t, findings[0].String(), "bad.yml:")
		})
	}
}

func TestLintRejectsNonWorkflowYAML(t *testing.T) {
	_, err := Lint("x.yml", []byte("name: just a map\n"))
	require.ErrorIs(t, err, ErrNotWorkflow)
	_, err = Lint("x.yml", []byte("- a list\n"))
	require.ErrorIs(t, err, ErrNotWorkflow)
	_, err = Lint("x.yml", []byte("a: [unclosed\n"))
	require.Error(t, err)
}
