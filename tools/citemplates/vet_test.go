package citemplates

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// readYAML decodes a file of the checkout into a generic map.
func readYAML(t *testing.T, rel ...string) map[string]any {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(append([]string{repoRoot(t)}, rel...)...))
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, yaml.Unmarshal(src, &m))
	return m
}

// sub walks nested mappings by key, failing the test when one is missing.
func sub(t *testing.T, m map[string]any, keys ...string) map[string]any {
	t.Helper()
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		require.True(t, ok, "no mapping %q in %v", k, m)
		m = next
	}
	return m
}

// stepNamed returns the step with the given name.
func stepNamed(t *testing.T, steps []any, name string) map[string]any {
	t.Helper()
	for _, s := range steps {
		if st := s.(map[string]any); st["name"] == name {
			return st
		}
	}
	require.Failf(t, "no step", "no step named %q", name)
	return nil
}

func TestWorkflowHasOptionalVetJob(t *testing.T) {
	w := readYAML(t, ".github", "workflows", "go-race-fuzz.yml")
	call := sub(t, w, "on", "workflow_call")
	in := sub(t, call, "inputs", "vet")
	assert.Equal(t, "boolean", in["type"])
	assert.Equal(t, false, in["default"], "vet is opt-in")
	assert.Equal(t, "${{ jobs.outcome.outputs.vet }}", sub(t, call, "outputs", "vet-outcome")["value"])

	jobs := sub(t, w, "jobs")
	vet := sub(t, jobs, "vet")
	assert.Equal(t, "inputs.vet", vet["if"])
	assert.Equal(t, map[string]any{"contents": "read"}, vet["permissions"], "least privilege")
	steps := vet["steps"].([]any)
	assert.Equal(t, false, sub(t, stepNamed(t, steps, "Check out"), "with")["persist-credentials"])
	// racecheck comes from the same install step as in the race job, racecheck-source included.
	assert.Equal(t, stepNamed(t, sub(t, jobs, "race")["steps"].([]any), "Install racecheck"), stepNamed(t, steps, "Install racecheck"))
	run := stepNamed(t, steps, "Vet")
	assert.Equal(t, "${{ inputs.working-directory }}", run["working-directory"])
	assert.Equal(t, "${{ inputs.packages }}", sub(t, run, "env")["PACKAGES"])
	assert.Contains(t, run["run"], `read -r -a dirs <<< "$PACKAGES"`)
	assert.Contains(t, run["run"], "racecheck vet ./...")

	outcome := sub(t, jobs, "outcome")
	assert.Contains(t, outcome["needs"], "vet")
	assert.Equal(t, "${{ steps.outcome.outputs.vet }}", sub(t, outcome, "outputs")["vet"])
	assert.Equal(t, "${{ needs.vet.result }}", sub(t, stepNamed(t, outcome["steps"].([]any), "Collect outcomes"), "env")["VET_RESULT"])
}

func TestCompositeActionHasOptionalVetStep(t *testing.T) {
	a := readYAML(t, "ci-templates", "github", "race-fuzz", "action.yml")
	assert.Equal(t, "false", sub(t, a, "inputs", "vet")["default"], "vet is opt-in")
	assert.Equal(t, "${{ steps.vet.outputs.outcome || 'skipped' }}", sub(t, a, "outputs", "vet-outcome")["value"])
	steps := sub(t, a, "runs")["steps"].([]any)
	assert.Equal(t, "${{ inputs.vet }}", sub(t, stepNamed(t, steps, "Validate inputs"), "env")["INPUT_VET"], "the vet input is validated as true/false")
	run := stepNamed(t, steps, "Vet")
	assert.Equal(t, "vet", run["id"])
	assert.Equal(t, "inputs.vet == 'true'", run["if"])
	assert.Contains(t, run["run"], "racecheck vet ./...")
	verdict := stepNamed(t, steps, "Verdict")
	assert.Equal(t, "${{ steps.vet.outputs.outcome }}", sub(t, verdict, "env")["VET_OUTCOME"])
	assert.Contains(t, verdict["run"], `[ "$VET_OUTCOME" = failure ]`, "a vet failure fails the step")
}

func TestGitLabTemplateHasOptionalVetJob(t *testing.T) {
	_, src := gitlabTemplate(t)
	tpl, err := ParseGitLabTemplate(src)
	require.NoError(t, err)
	var vet *GitLabInput
	for i := range tpl.Inputs {
		if tpl.Inputs[i].Name == "vet" {
			vet = &tpl.Inputs[i]
		}
	}
	require.NotNil(t, vet, "spec:inputs declares vet")
	assert.Equal(t, "boolean", vet.Type)
	require.NotNil(t, vet.Default)
	assert.Equal(t, "false", *vet.Default, "vet is opt-in")

	var body map[string]any
	require.NoError(t, tpl.Body.Decode(&body))
	job := sub(t, body, "$[[ inputs.job-prefix ]]-vet")
	assert.Equal(t, ".$[[ inputs.job-prefix ]]-base", job["extends"], "same image, caches and racecheck install as the other jobs")
	assert.Equal(t, "$[[ inputs.vet ]]", sub(t, job, "variables")["RACECHECK_VET_ENABLED"])
	assert.Equal(t, []any{map[string]any{"if": `$RACECHECK_VET_ENABLED == "true"`}}, job["rules"])
	script := job["script"].([]any)
	require.Len(t, script, 1)
	assert.True(t, strings.Contains(script[0].(string), "racecheck vet ./..."))
}
