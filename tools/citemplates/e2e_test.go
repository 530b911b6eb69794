package citemplates

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// The end-to-end tests run the real clients (act, gitlab-ci-local) over fixture downstream
// modules copied to temporary repositories. They need npm packages, rsync and jq that
// `go tool mage templates` installs, so they run only when it sets RACEPROOF_E2E=1.
func requireE2E(t *testing.T) (root, racecheckSrc string) {
	t.Helper()
	if os.Getenv("RACEPROOF_E2E") != "1" {
		t.Skip("end-to-end template runs are off; `go tool mage templates` (part of `go tool mage test`) runs them with RACEPROOF_E2E=1")
	}
	root = repoRoot(t)
	racecheckSrc = filepath.Join(root, "modules", "racecheck")
	if _, err := os.Stat(filepath.Join(racecheckSrc, "cmd", "racecheck")); err != nil {
		t.Skip("modules/racecheck/cmd/racecheck does not exist yet: the templates have no racecheck to run")
	}
	for _, tool := range []string{"git", "jq", "bash"} {
		_, err := exec.LookPath(tool)
		require.NoError(t, err, "%s is needed by the templates' scripts", tool)
	}
	return root, racecheckSrc
}

// fixtureRepo copies a fixture module into a fresh Git repository with extra files.
func fixtureRepo(t *testing.T, fixture string, extra map[string]string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "repo")
	copyDir(t, filepath.Join("testdata", "fixtures", fixture), dir)
	for name, content := range extra {
		writeFile(t, filepath.Join(dir, name), content)
	}
	gitInit(t, dir)
	return dir
}

// goEnv returns the Go environment variables the runs share with this process, so the
// templates' Go commands reuse the module and build caches instead of starting cold.
func goEnv(t *testing.T) map[string]string {
	t.Helper()
	out, err := exec.Command("go", "env", "-json", "GOPATH", "GOCACHE", "GOMODCACHE").Output()
	require.NoError(t, err)
	env := map[string]string{}
	require.NoError(t, json.Unmarshal(out, &env))
	return env
}

const callerWorkflow = `name: caller
on: push
permissions: {}
jobs:
  race-fuzz:
    permissions:
      actions: read
      contents: read
      security-events: write
    uses: raceproof/raceproof/.github/workflows/go-race-fuzz.yml@e2e-checkout
    with:
      racecheck-source: %RACECHECK%
      cpu: "1,2"
      fuzz-time: 300x
      max-parallel: 2
      vet: true
  report:
    needs: race-fuzz
    if: always()
    runs-on: ubuntu-latest
    permissions: {}
    steps:
      - env:
          RACE: ${{ needs.race-fuzz.outputs.race-outcome }}
          FUZZ: ${{ needs.race-fuzz.outputs.fuzz-outcome }}
          VET: ${{ needs.race-fuzz.outputs.vet-outcome }}
        run: echo "race-outcome=$RACE fuzz-outcome=$FUZZ vet-outcome=$VET" >> "$RACEPROOF_STANDIN_DIR/outcomes"
`

type actRun struct {
	out      string
	code     int
	standins string
}

// runAct runs the caller workflow of repo with act on the host, the reusable workflow
// taken from this checkout and every pinned remote action mapped to its stand-in.
// standins is where the stand-in actions keep artifacts, caches and uploads.
func runAct(t *testing.T, root, repo, standins string) actRun {
	t.Helper()
	args := []string{"tool", "act", "push",
		"-C", repo,
		"-W", filepath.Join(repo, ".github", "workflows"),
		"-P", "ubuntu-latest=-self-hosted",
		"--no-cache-server",
		"--action-cache-path", filepath.Join(t.TempDir(), "act-cache"),
		"--env", "RACEPROOF_STANDIN_DIR=" + standins,
		"--local-repository", "raceproof/raceproof@e2e-checkout=" + root,
	}
	standinDir, err := filepath.Abs(filepath.Join("testdata", "standins"))
	require.NoError(t, err)
	for _, pin := range pinnedActions(t, root) {
		name := pin[:strings.LastIndex(pin, "@")]
		if name == "raceproof/raceproof" {
			// Our own setup-racecheck, pinned by commit: that commit's action.yml is
			// this checkout's (TestSetupRacecheckPinnedAtTheTestedContent).
			args = append(args, "--local-repository", pin+"="+root)
			continue
		}
		dir := filepath.Join(standinDir, filepath.FromSlash(name))
		require.DirExists(t, dir, "no stand-in for %s", pin)
		args = append(args, "--local-repository", pin+"="+dir)
	}
	// A private XDG config directory keeps a developer's actrc out of the run.
	env := []string{"XDG_CONFIG_HOME=" + t.TempDir()}
	out, code := run(t, 8*time.Minute, filepath.Join(root, "tools"), env, "go", args...)
	return actRun{out: out, code: code, standins: standins}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, v), "%s", path)
}

func TestE2EGitHubReusableWorkflow(t *testing.T) {
	t.Parallel() // the runs share nothing but read-only inputs; two at a time use both cores
	root, racecheck := requireE2E(t)
	caller := strings.ReplaceAll(callerWorkflow, "%RACECHECK%", racecheck)

	t.Run("clean module is green", func(t *testing.T) {
		repo := fixtureRepo(t, "clean", map[string]string{".github/workflows/caller.yml": caller})
		r := runAct(t, root, repo, t.TempDir())
		require.Equal(t, 0, r.code, "act failed:\n%s", tail(r.out, 6000))
		outcomes, err := os.ReadFile(filepath.Join(r.standins, "outcomes"))
		require.NoError(t, err)
		assert.Equal(t, "race-outcome=success fuzz-outcome=success vet-outcome=success\n", string(outcomes))
		assert.Regexp(t, `\[race-fuzz/go-race-fuzz/race\s*\]\s+\S+\s+Summary - [^\n]*racecheck`, r.out, "job summary written by the race job")

		art := filepath.Join(r.standins, "artifacts")
		for _, f := range []string{"race.json", "race-junit.xml", "race.sarif"} {
			assert.FileExists(t, filepath.Join(art, "racecheck-race-reports-1", f))
		}
		var rep struct {
			Schema   string            `json:"schema"`
			Findings []json.RawMessage `json:"findings"`
		}
		readJSON(t, filepath.Join(art, "racecheck-race-reports-1", "race.json"), &rep)
		assert.Equal(t, "racecheck/v2", rep.Schema)
		assert.NotNil(t, rep.Findings, "findings is [] on a clean run, never null")
		assert.Empty(t, rep.Findings)
		vet, err := os.ReadFile(filepath.Join(art, "racecheck-vet-reports-1", "vet.txt"))
		require.NoError(t, err, "the vet job uploads its report")
		assert.Empty(t, string(vet), "no vet diagnostics on the clean module")
		for _, target := range []string{"FuzzCounter", "FuzzRoundTrip"} {
			assert.FileExists(t, filepath.Join(art, "racecheck-fuzz-reports-"+target+"-1", "fuzz-"+target+".json"), "one matrix job per fuzz target")
		}
		crashers, err := filepath.Glob(filepath.Join(art, "racecheck-crashers-*"))
		require.NoError(t, err)
		assert.Empty(t, crashers)
		assert.FileExists(t, filepath.Join(r.standins, "sarif", "racecheck-race.sarif"), "SARIF uploaded to code scanning")
		cacheLog, err := os.ReadFile(filepath.Join(r.standins, "cache.log"))
		require.NoError(t, err)
		assert.Contains(t, string(cacheLog), "save key=racecheck-fuzz-Linux-FuzzCounter-", "corpus saved under a rolling per-target key")
		assert.Contains(t, string(cacheLog), "save key=racecheck-fuzz-Linux-FuzzRoundTrip-")
	})

	t.Run("racy and crashing module is red", func(t *testing.T) {
		// A corpus saved by an earlier run (run id 0) must be restored through the
		// rolling key's prefix and carried into this run's entry, so the corpus grows.
		seed := filepath.Join("example.com", "broken", "counter", "FuzzVersion", "e2e-earlier-run")
		attempt := func() actRun {
			repo := fixtureRepo(t, "broken", map[string]string{".github/workflows/caller.yml": caller})
			standins := t.TempDir()
			writeFile(t, filepath.Join(standins, "cache", "racecheck-fuzz-Linux-FuzzVersion-0-1", seed), "go test fuzz v1\nstring(\"v1\")\n")
			return runAct(t, root, repo, standins)
		}
		fuzzAnnotation := regexp.MustCompile(`::error file=counter/[^,]+,line=\d+[^\n]*FuzzVersion`)
		r := attempt()
		if !strings.Contains(r.out, raceAnnotation) || !fuzzAnnotation.MatchString(r.out) || !strings.Contains(r.out, vetAnnotation) {
			// act (host mode) has dropped every line a step printed after its
			// progress output, annotations included, while the step's reports held the
			// race (once) and the fuzz crasher (once). Judge a fresh second run; a real
			// regression fails it too.
			t.Logf("act output lacks an expected annotation; running the workflow once more. Output tail:\n%s", tail(r.out, 3000))
			r = attempt()
		}
		require.NotEqual(t, 0, r.code, "act must fail on a race and a fuzz crasher:\n%s", tail(r.out, 6000))
		assert.Contains(t, r.out, raceAnnotation, "race annotation on the racy line")
		assert.Regexp(t, fuzzAnnotation, r.out, "fuzz crash annotation")
		assert.Regexp(t, `\[race-fuzz/go-race-fuzz/race\s*\]\s+\S+\s+Summary - [^\n]*racecheck`, r.out, "job summary written by the race job")
		// act runs no job that needs a failed reusable-workflow call, so the caller's report job
		// (and the outcomes file) exists only for the green run; the annotations show the verdicts.
		assert.Contains(t, r.out, vetAnnotation, "vet annotation on the check-then-act line")

		art := filepath.Join(r.standins, "artifacts")
		vet, err := os.ReadFile(filepath.Join(art, "racecheck-vet-reports-1", "vet.txt"))
		require.NoError(t, err)
		assert.Contains(t, string(vet), vetDiagnostic)
		var rep struct {
			Findings []struct {
				Kind string `json:"kind"`
			} `json:"findings"`
		}
		readJSON(t, filepath.Join(art, "racecheck-race-reports-1", "race.json"), &rep)
		require.NotEmpty(t, rep.Findings)
		assert.Equal(t, "race", rep.Findings[0].Kind)
		crashers, err := filepath.Glob(filepath.Join(art, "racecheck-crashers-FuzzVersion-*", "counter", "testdata", "fuzz", "FuzzVersion", "*"))
		require.NoError(t, err)
		assert.NotEmpty(t, crashers, "crasher uploaded as an artifact")
		var sarif struct {
			Version string `json:"version"`
			Runs    []struct {
				Results []json.RawMessage `json:"results"`
			} `json:"runs"`
		}
		readJSON(t, filepath.Join(r.standins, "sarif", "racecheck-race.sarif"), &sarif)
		assert.Equal(t, "2.1.0", sarif.Version)
		require.NotEmpty(t, sarif.Runs)
		assert.NotEmpty(t, sarif.Runs[0].Results, "the race reaches code scanning")

		cacheLog, err := os.ReadFile(filepath.Join(r.standins, "cache.log"))
		require.NoError(t, err)
		assert.Contains(t, string(cacheLog), "restore key=racecheck-fuzz-Linux-FuzzVersion-1-1 matched=racecheck-fuzz-Linux-FuzzVersion-0-1")
		assert.Contains(t, string(cacheLog), "save key=racecheck-fuzz-Linux-FuzzVersion-1-1", "the corpus is saved after a crash too")
		assert.FileExists(t, filepath.Join(r.standins, "cache", "racecheck-fuzz-Linux-FuzzVersion-1-1", seed))
	})
}

// The check-then-act in the broken fixture (counter/seen.go), as racecheck vet reports it
// and as the GitHub templates annotate it, and the annotation of its data race.
const (
	raceAnnotation = "::error file=counter/counter.go,line=10"
	vetDiagnostic  = "counter/seen.go:12:3: seen.Store(key) after seen.Load(key)"
	vetAnnotation  = "::error file=counter/seen.go,line=12,col=3,title=racecheck vet::seen.Store(key)"
)

const compositeCaller = `name: composite-caller
on: push
permissions: {}
jobs:
  race-fuzz:
    runs-on: ubuntu-latest
    permissions:
      contents: read
    steps:
      - uses: actions/checkout@3d3c42e5aac5ba805825da76410c181273ba90b1 # v7.0.1
        with:
          persist-credentials: false
      - id: rf
        uses: raceproof/raceproof/ci-templates/github/race-fuzz@e2e-checkout
        with:
          racecheck-source: %RACECHECK%
          cpu: "1"
          fuzz-time: 300x
          max-parallel: "2"
          vet: "true"
      - if: always()
        env:
          RACE: ${{ steps.rf.outputs.race-outcome }}
          FUZZ: ${{ steps.rf.outputs.fuzz-outcome }}
          VET: ${{ steps.rf.outputs.vet-outcome }}
        run: echo "race-outcome=$RACE fuzz-outcome=$FUZZ vet-outcome=$VET" >> "$RACEPROOF_STANDIN_DIR/outcomes"
`

func TestE2EGitHubCompositeAction(t *testing.T) {
	t.Parallel() // the runs share nothing but read-only inputs; two at a time use both cores
	root, racecheck := requireE2E(t)
	caller := strings.ReplaceAll(compositeCaller, "%RACECHECK%", racecheck)
	repo := fixtureRepo(t, "broken", map[string]string{".github/workflows/caller.yml": caller})
	r := runAct(t, root, repo, t.TempDir())
	require.NotEqual(t, 0, r.code, "the action must fail the job on a race and a crasher:\n%s", tail(r.out, 6000))
	outcomes, err := os.ReadFile(filepath.Join(r.standins, "outcomes"))
	require.NoError(t, err, "act output:\n%s", tail(r.out, 6000))
	assert.Equal(t, "race-outcome=failure fuzz-outcome=failure vet-outcome=failure\n", string(outcomes))
	assert.Contains(t, r.out, "::error file=counter/counter.go,line=10")
	assert.Contains(t, r.out, vetAnnotation)
	art := filepath.Join(r.standins, "artifacts")
	for _, f := range []string{"race.json", "race-junit.xml", "race.sarif", "fuzz-1.json", "fuzz-2.json", "vet.txt"} {
		assert.FileExists(t, filepath.Join(art, "racecheck-reports-1", f), "both shards and the race run report")
	}
	crashers, err := filepath.Glob(filepath.Join(art, "racecheck-crashers-*", "counter", "testdata", "fuzz", "FuzzVersion", "*"))
	require.NoError(t, err)
	assert.Len(t, crashers, 1)
}

func gitlabCILocal(t *testing.T, root string) string {
	t.Helper()
	bin := filepath.Join(root, "tools", "node_modules", ".bin", "gitlab-ci-local")
	_, err := os.Stat(bin)
	require.NoError(t, err, "gitlab-ci-local is not installed: run `npm ci` in tools/ (`go tool mage templates` does)")
	_, err = exec.LookPath("rsync")
	require.NoError(t, err, "gitlab-ci-local needs rsync (`go tool mage templates` installs it)")
	return bin
}

// gitlabRepo lays out a downstream project that includes the template with inputs.
func gitlabRepo(t *testing.T, root, fixture, stages, inputs string) string {
	t.Helper()
	tpl, err := os.ReadFile(filepath.Join(root, "ci-templates", "gitlab", "race-fuzz.yml"))
	require.NoError(t, err)
	return fixtureRepo(t, fixture, map[string]string{
		"ci/race-fuzz.yml": string(tpl),
		".gitlab-ci.yml":   stages + "include:\n  - local: ci/race-fuzz.yml\n    inputs:\n" + inputs,
	})
}

// preview renders the pipeline (inputs interpolated) after gitlab-ci-local has
// validated it against GitLab's CI JSON schema.
func preview(t *testing.T, bin, repo string) map[string]any {
	t.Helper()
	out, code := run(t, 3*time.Minute, repo, nil, bin, "--preview")
	require.Equal(t, 0, code, "gitlab-ci-local --preview:\n%s", tail(out, 4000))
	require.Contains(t, out, "json schema validated")
	i := strings.Index(out, "\n---\n")
	require.GreaterOrEqual(t, i, 0, "no rendered pipeline in:\n%s", tail(out, 4000))
	var pipeline map[string]any
	require.NoError(t, yaml.Unmarshal([]byte(out[i+5:]), &pipeline))
	return pipeline
}

func TestE2EGitLabTemplateRendersAndValidates(t *testing.T) {
	t.Parallel() // the runs share nothing but read-only inputs; two at a time use both cores
	root, _ := requireE2E(t)
	bin := gitlabCILocal(t, root)

	t.Run("defaults", func(t *testing.T) {
		p := preview(t, bin, gitlabRepo(t, root, "clean", "", "      {}\n"))
		race, ok := p["racecheck-race"].(map[string]any)
		require.True(t, ok, "racecheck-race job rendered: %v", p)
		assert.Equal(t, "test", race["stage"])
		reports := race["artifacts"].(map[string]any)["reports"].(map[string]any)
		assert.Equal(t, "racecheck-reports/race-junit.xml", reports["junit"])
		assert.Equal(t, "racecheck-reports/race-codequality.json", reports["codequality"])
		fuzz, ok := p["racecheck-fuzz"].(map[string]any)
		require.True(t, ok)
		assert.Equal(t, 2, fuzz["parallel"])
		assert.Equal(t, racecheckRelease(t), fuzz["variables"].(map[string]any)["RACECHECK_VERSION"], "the template's own racecheck release")
		vet, ok := p["racecheck-vet"].(map[string]any)
		require.True(t, ok, "racecheck-vet rendered: %v", p)
		assert.Equal(t, "false", vet["variables"].(map[string]any)["RACECHECK_VET_ENABLED"], "vet is opt-in")
	})

	t.Run("non-default inputs", func(t *testing.T) {
		var b strings.Builder
		for _, k := range []string{"stage", "job-prefix", "image", "working-directory", "packages", "cpu", "race", "fuzz", "vet", "fuzz-time", "fuzz-budget", "shards", "racecheck-version", "racecheck-source"} {
			v := nonDefaultInputs[k]
			if k == "race" || k == "fuzz" || k == "vet" || k == "shards" {
				b.WriteString("      " + k + ": " + v + "\n")
			} else {
				b.WriteString("      " + k + ": \"" + v + "\"\n")
			}
		}
		repo := gitlabRepo(t, root, "clean", "stages: [verify]\n", b.String())
		p := preview(t, bin, repo)
		_, hasDefault := p["racecheck-race"]
		assert.False(t, hasDefault, "job-prefix renames the jobs")
		race, ok := p["gofuzz-race"].(map[string]any)
		require.True(t, ok, "gofuzz-race rendered: %v", p)
		assert.Equal(t, "verify", race["stage"])
		vars := race["variables"].(map[string]any)
		assert.Equal(t, "false", vars["RACECHECK_RACE_ENABLED"])
		assert.Equal(t, "2,8", vars["RACECHECK_CPU"])
		fuzz := p["gofuzz-fuzz"].(map[string]any)
		assert.Equal(t, 3, fuzz["parallel"])
		fv := fuzz["variables"].(map[string]any)
		assert.Equal(t, "1m", fv["RACECHECK_FUZZTIME"])
		assert.Equal(t, "20m", fv["RACECHECK_FUZZ_BUDGET"])
		assert.Equal(t, "v1.2.3", fv["RACECHECK_VERSION"])
		assert.Equal(t, ". ../shared", fv["RACECHECK_PACKAGES"])
		vet := p["gofuzz-vet"].(map[string]any)
		assert.Equal(t, "true", vet["variables"].(map[string]any)["RACECHECK_VET_ENABLED"])

		// rules: race: false drops the race job; vet: true adds the vet job; the fuzz job
		// fans out into 3 shards.
		list, code := run(t, 3*time.Minute, repo, nil, bin, "--list")
		require.Equal(t, 0, code, "gitlab-ci-local --list:\n%s", tail(list, 4000))
		assert.NotContains(t, list, "gofuzz-race")
		assert.Contains(t, list, "gofuzz-fuzz: [3/3]")
		assert.Contains(t, list, "gofuzz-vet")
	})
}

type glRun struct {
	out       string
	code      int
	artifacts string
}

func runGitLab(t *testing.T, root, bin, fixture, racecheck string) glRun {
	t.Helper()
	repo := gitlabRepo(t, root, fixture, "", "      racecheck-source: \""+racecheck+"\"\n      cpu: \"1,2\"\n      fuzz-time: 300x\n      shards: 2\n      vet: true\n")
	// The template points GOPATH and the caches into the project directory, which is
	// right for a runner; here the jobs run on this host, so they share its caches.
	args := []string{"--force-shell-executor", "--shell-executor-no-image", "--shell-isolation"}
	for k, v := range goEnv(t) {
		args = append(args, "--variable", k+"="+v)
	}
	out, code := run(t, 8*time.Minute, repo, nil, bin, args...)
	return glRun{out: out, code: code, artifacts: filepath.Join(repo, ".gitlab-ci-local", "artifacts")}
}

func TestE2EGitLabTemplateRuns(t *testing.T) {
	t.Parallel() // the runs share nothing but read-only inputs; two at a time use both cores
	root, racecheck := requireE2E(t)
	bin := gitlabCILocal(t, root)

	t.Run("clean module is green", func(t *testing.T) {
		r := runGitLab(t, root, bin, "clean", racecheck)
		require.Equal(t, 0, r.code, "gitlab-ci-local failed:\n%s", tail(r.out, 6000))
		assert.Regexp(t, `PASS\s+racecheck-race`, r.out)
		var cq []json.RawMessage
		readJSON(t, filepath.Join(r.artifacts, "racecheck-race", "racecheck-reports", "race-codequality.json"), &cq)
		assert.Empty(t, cq)
		assert.FileExists(t, filepath.Join(r.artifacts, "racecheck-race", "racecheck-reports", "race-junit.xml"))
		shards, err := filepath.Glob(filepath.Join(r.artifacts, "racecheck-fuzz*", "racecheck-reports", "fuzz-*-junit.xml"))
		require.NoError(t, err)
		assert.Len(t, shards, 2, "one report per parallel shard")
		assert.Regexp(t, `PASS\s+racecheck-vet`, r.out)
		vet, err := os.ReadFile(filepath.Join(r.artifacts, "racecheck-vet", "racecheck-reports", "vet.txt"))
		require.NoError(t, err)
		assert.Empty(t, string(vet))
	})

	t.Run("racy and crashing module is red", func(t *testing.T) {
		r := runGitLab(t, root, bin, "broken", racecheck)
		require.NotEqual(t, 0, r.code, "gitlab-ci-local must fail:\n%s", tail(r.out, 6000))
		assert.Regexp(t, `FAIL\s+racecheck-race`, r.out)
		assert.Contains(t, r.out, "fuzz crasher: ./counter/testdata/fuzz/FuzzVersion/")
		var cq []struct {
			Location struct {
				Path string `json:"path"`
			} `json:"location"`
		}
		readJSON(t, filepath.Join(r.artifacts, "racecheck-race", "racecheck-reports", "race-codequality.json"), &cq)
		require.NotEmpty(t, cq, "the race is a Code Quality finding")
		assert.Equal(t, "counter/counter.go", cq[0].Location.Path)
		junit, err := os.ReadFile(filepath.Join(r.artifacts, "racecheck-race", "racecheck-reports", "race-junit.xml"))
		require.NoError(t, err)
		assert.Contains(t, string(junit), "<failure")
		crashers, err := filepath.Glob(filepath.Join(r.artifacts, "racecheck-fuzz*", "racecheck-crashers", "counter", "testdata", "fuzz", "FuzzVersion", "*"))
		require.NoError(t, err)
		assert.Len(t, crashers, 1, "the crasher is an artifact of exactly one shard")
		assert.Regexp(t, `FAIL\s+racecheck-vet`, r.out)
		vet, err := os.ReadFile(filepath.Join(r.artifacts, "racecheck-vet", "racecheck-reports", "vet.txt"))
		require.NoError(t, err)
		assert.Contains(t, string(vet), vetDiagnostic)
	})
}

// TestE2EGitHubTemplatesRejectBadInputs runs both GitHub templates with one bad
// input each: the run fails at validation, naming the input, before racecheck
// is installed or anything is uploaded.
func TestE2EGitHubTemplatesRejectBadInputs(t *testing.T) {
	t.Parallel() // the runs share nothing but read-only inputs; two at a time use both cores
	root, racecheck := requireE2E(t)
	cases := []struct {
		name, caller, input string
	}{
		{"reusable workflow, cpu with a command", strings.ReplaceAll(
			strings.ReplaceAll(callerWorkflow, `cpu: "1,2"`, `cpu: "1; id"`), "%RACECHECK%", racecheck), "cpu"},
		{"composite action, artifact-suffix with a newline", strings.ReplaceAll(
			strings.ReplaceAll(compositeCaller, `vet: "true"`, `vet: "true"`+"\n          artifact-suffix: \"linux\\nmalicious=1\""), "%RACECHECK%", racecheck), "artifact-suffix"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			repo := fixtureRepo(t, "clean", map[string]string{".github/workflows/caller.yml": tc.caller})
			r := runAct(t, root, repo, t.TempDir())
			require.NotEqual(t, 0, r.code, "a bad %s must fail the run:\n%s", tc.input, tail(r.out, 6000))
			assert.Regexp(t, `Failure - [^\n]*Validate inputs`, r.out, "the validation step fails")
			// act in host mode sometimes drops what a short step printed (see the broken-module
			// run above); TestGitHubTemplatesRejectBadInputs checks the annotation itself.
			if !strings.Contains(r.out, "::error title="+tc.input+"::must be") {
				t.Logf("act output lacks the %s annotation; output tail:\n%s", tc.input, tail(r.out, 2000))
			}
			assert.NotContains(t, r.out, "racecheck version", "nothing runs after the validation")
			assert.NoDirExists(t, filepath.Join(r.standins, "artifacts"), "nothing is uploaded")
		})
	}
}

// TestE2EGitLabRejectsShardsOutOfRange: GitLab's schema for parallel: is the
// range check of the number input shards (gitlab-ci-local applies the same
// schema as GitLab).
func TestE2EGitLabRejectsShardsOutOfRange(t *testing.T) {
	t.Parallel()
	root, _ := requireE2E(t)
	bin := gitlabCILocal(t, root)
	for _, v := range []string{"0", "201", "2.5"} {
		repo := gitlabRepo(t, root, "clean", "", "      shards: "+v+"\n")
		out, code := run(t, 3*time.Minute, repo, nil, bin, "--preview")
		assert.NotEqual(t, 0, code, "shards: %s must be rejected:\n%s", v, tail(out, 2000))
		assert.Contains(t, out, "parallel", "shards: %s", v)
	}
}
