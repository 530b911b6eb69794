package detection

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// corpusDir is the kernels module.
var corpusDir = filepath.Join("..", "..", "modules", "racecheck", "testdata", "kernels")

// TestDetection measures every mode on the whole corpus when
// RACEPROOF_DETECTION=full (go tool mage detection) and writes
// docs/detection.md and docs/detection.json; RACEPROOF_DETECTION=render
// only rewrites docs/detection.md from docs/detection.json. Otherwise it runs a smoke:
// racecheck, with and without a short -stress, on a few kernels, checking
// that their fixed twins stay clean and that the report renders.
func TestDetection(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command and racecheck on the kernel corpus")
	}
	kernels, err := ReadKernels(corpusDir)
	require.NoError(t, err)
	require.NotEmpty(t, kernels)
	dir, err := filepath.Abs(corpusDir)
	require.NoError(t, err)
	if os.Getenv("RACEPROOF_DETECTION") == "render" {
		renderSaved(t)
		return
	}
	full := os.Getenv("RACEPROOF_DETECTION") == "full"
	cfg := Config{Dir: dir, Timeout: time.Minute}
	modes := []Mode{{Name: "go test -race", Count: 1}, {Name: "go test -race -count=10", Count: 10},
		{Name: "racecheck"}, {Name: "racecheck -stress 10s", Stress: 10 * time.Second}}
	if !full {
		kernels = smokeKernels(kernels)
		cfg.Timeout = 30 * time.Second
		modes = []Mode{{Name: "racecheck"}, {Name: "racecheck -stress 2s", Stress: 2 * time.Second}}
	}
	var buggy, fixed []string
	for _, k := range kernels {
		buggy = append(buggy, k.Buggy)
		fixed = append(fixed, k.Fixed)
	}
	rep := &Report{Kernels: kernels, Timeout: cfg.Timeout, Environment: environment()}
	ctx := context.Background()
	for _, m := range modes {
		t.Logf("measuring %s on %d buggy kernels and %d fixed twins", m.Name, len(buggy), len(fixed))
		res, err := cfg.Run(ctx, m, buggy)
		require.NoError(t, err, m.Name)
		rep.Buggy = append(rep.Buggy, res)
		for _, k := range kernels {
			require.Contains(t, res.Packages, k.Buggy, "%s did not run %s", m.Name, k.Name)
			if !full && m.Stress > 0 {
				// The smoke kernels show their bug within seconds in every
				// measurement of docs/detection.md.
				assert.True(t, res.Packages[k.Buggy].Detected, "%s missed %s", m.Name, k.Name)
			}
		}
		res, err = cfg.Run(ctx, m, fixed)
		require.NoError(t, err, m.Name)
		rep.Fixed = append(rep.Fixed, res)
		for _, k := range kernels {
			require.Contains(t, res.Packages, k.Fixed, "%s did not run the fixed twin of %s", m.Name, k.Name)
			assert.False(t, res.Packages[k.Fixed].Detected, "%s reported the fixed twin of %s: %v", m.Name, k.Name, res.Packages[k.Fixed].Kinds)
		}
	}
	var md strings.Builder
	require.NoError(t, rep.WriteMarkdown(&md))
	assert.Contains(t, md.String(), "| racecheck |")
	if !full {
		return
	}
	require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "detection.md"), []byte(md.String()), 0o644))
	raw, err := json.MarshalIndent(rep, "", "  ")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "detection.json"), raw, 0o644))
}

// renderSaved rewrites docs/detection.md from the measurement saved in
// docs/detection.json (RACEPROOF_DETECTION=render): the report's text can
// change without measuring again.
func renderSaved(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "docs", "detection.json"))
	require.NoError(t, err)
	var rep Report
	require.NoError(t, json.Unmarshal(raw, &rep))
	var md strings.Builder
	require.NoError(t, rep.WriteMarkdown(&md))
	require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "detection.md"), []byte(md.String()), 0o644))
}

// smokeKernels picks two blocking and two non-blocking kernels.
func smokeKernels(all []Kernel) []Kernel {
	var out []Kernel
	taken := map[string]int{}
	for _, k := range all {
		if taken[k.Category] < 2 {
			taken[k.Category]++
			out = append(out, k)
		}
	}
	return out
}

func environment() string {
	goVersion := runtime.Version()
	if out, err := exec.Command("go", "env", "GOVERSION").Output(); err == nil {
		goVersion = strings.TrimSpace(string(out))
	}
	load := ""
	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		load = ", load average " + strings.Fields(string(b))[0]
	}
	return fmt.Sprintf("%s, %s/%s, %d CPUs%s", time.Now().UTC().Format("2006-01-02"), goVersion, runtime.GOARCH, runtime.NumCPU(), load)
}

// TestKernelsIndex checks kernels.json against the corpus: every kernel
// directory is listed once, with a buggy and a fixed package that exist,
// and its bug report is the one the buggy package's doc comment cites.
func TestKernelsIndex(t *testing.T) {
	kernels, err := ReadKernels(corpusDir)
	require.NoError(t, err)
	listed := map[string]bool{}
	perCategory := map[string]int{}
	for _, k := range kernels {
		assert.False(t, listed[k.Name], "%s listed twice", k.Name)
		listed[k.Name] = true
		perCategory[k.Category]++
		assert.Contains(t, []string{"blocking", "nonblocking"}, k.Category, k.Name)
		assert.NotEmpty(t, k.Subcategory, k.Name)
		assert.NotEmpty(t, k.Project, k.Name)
		assert.True(t, strings.HasPrefix(k.BugURL, "https://github.com/"), "%s: bug URL %q", k.Name, k.BugURL)
		for _, pkg := range []string{k.Buggy, k.Fixed} {
			rel := strings.TrimPrefix(pkg, modulePath+"/")
			assert.DirExists(t, filepath.Join(corpusDir, rel), k.Name)
		}
		assert.Equal(t, modulePath+"/"+k.Category+"/"+k.Name+"/buggy", k.Buggy)
		assert.Equal(t, modulePath+"/"+k.Category+"/"+k.Name+"/fixed", k.Fixed)
		files, _ := filepath.Glob(filepath.Join(corpusDir, k.Category, k.Name, "buggy", "*.go"))
		cited := false
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			cited = cited || strings.Contains(string(b), k.BugURL)
		}
		assert.True(t, cited, "%s: the buggy package does not cite %s", k.Name, k.BugURL)
	}
	readme, err := os.ReadFile(filepath.Join(corpusDir, "README.md"))
	require.NoError(t, err)
	for _, k := range kernels {
		assert.Contains(t, string(readme), "["+k.Name+"]("+k.Category+"/"+k.Name+")", "README.md does not list %s", k.Name)
	}
	dirs, err := filepath.Glob(filepath.Join(corpusDir, "*", "*", "buggy"))
	require.NoError(t, err)
	for _, d := range dirs {
		name := filepath.Base(filepath.Dir(d))
		assert.True(t, listed[name], "kernel %s is missing from kernels.json", name)
	}
	assert.GreaterOrEqual(t, perCategory["blocking"], 18)
	assert.GreaterOrEqual(t, perCategory["nonblocking"], 12)
}
