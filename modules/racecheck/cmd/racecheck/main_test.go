package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/fixture"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

func run(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = dispatch(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestVersionAndUsage(t *testing.T) {
	code, out, _ := run("version")
	assert.Equal(t, 0, code)
	assert.Equal(t, "racecheck devel\n", out)

	code, _, errOut := run()
	assert.Equal(t, 2, code)
	for name := range commands {
		assert.Contains(t, errOut, name)
	}
	code, _, errOut = run("frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `unknown command "frobnicate"`)

	code, _, errOut = run("run", "-shard", "5/2")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "shard")
	code, _, _ = run("run", "-fuzztime", "never")
	assert.Equal(t, 2, code)
	code, _, errOut = run("run", "-h")
	assert.Equal(t, 0, code)
	assert.Contains(t, errOut, "-fuzz-budget")
	assert.Contains(t, errOut, "-codequality")
}

func TestRunAndList(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on fixture modules")
	}
	dir := fixture.Copy(t, "racy", "clean", "broken")
	t.Chdir(dir)

	code, out, _ := run("list", "-json", "clean", "racy")
	assert.Equal(t, 0, code)
	var targets []map[string]string
	require.NoError(t, json.Unmarshal([]byte(out), &targets))
	assert.Equal(t, []map[string]string{{"module": "example.com/clean", "package": "example.com/clean", "target": "FuzzReverse"}}, targets)

	out = t.TempDir()
	summary := filepath.Join(out, "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	code, stdout, stderr := run("run", "-fuzz=false", "-github",
		"-json", filepath.Join(out, "r.json"), "-junit", filepath.Join(out, "r.xml"),
		"-sarif", filepath.Join(out, "r.sarif"), "-codequality", filepath.Join(out, "cq.json"), "racy", "clean")
	assert.Equal(t, 1, code, stderr)
	assert.Contains(t, stderr, "race [1/1] example.com/racy", "progress goes to stderr")
	assert.Contains(t, stderr, "RACE racy/counter.go:8 in example.com/racy.TestRacyIncrement")
	assert.True(t, strings.HasPrefix(stdout, "::error file=racy/counter.go,line=8,title=data race::"), stdout)

	var rep report.Report
	b, err := os.ReadFile(filepath.Join(out, "r.json"))
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &rep))
	require.Len(t, rep.Races, 1)
	assert.Equal(t, "TestRacyIncrement", rep.Races[0].Test)

	var suites report.JUnitSuites
	b, err = os.ReadFile(filepath.Join(out, "r.xml"))
	require.NoError(t, err)
	require.NoError(t, xml.Unmarshal(b, &suites))
	assert.Equal(t, 1, suites.Failures)

	for _, f := range []string{"r.sarif", "cq.json", "summary.md"} {
		b, err := os.ReadFile(filepath.Join(out, f))
		require.NoError(t, err, f)
		assert.Contains(t, string(b), "racy/counter.go", f)
	}

	code, _, stderr = run("run", "-fuzz=false", "broken")
	assert.Equal(t, 2, code)
	assert.Contains(t, stderr, "ERROR build example.com/broken")
}

func TestVetFindsCheckThenAct(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/cta\n\ngo 1.25\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cta.go"), []byte(`package cta

import "sync"

var m sync.Map

func Once(k string, v int) {
	if _, ok := m.Load(k); !ok {
		m.Store(k, v)
	}
}
`), 0o644))
	t.Chdir(dir)
	t.Setenv("GOWORK", "off")

	code, out, errOut := run("vet", "./...")
	assert.Equal(t, 1, code, "stderr: %s", errOut)
	assert.Contains(t, out, "cta.go:9:3: m.Store(k) after m.Load(k) on line 8")
	assert.Contains(t, out, "LoadOrStore")
}
