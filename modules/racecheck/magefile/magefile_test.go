package magefile

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/internal/fixture"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// settingsFor returns the settings the targets would read from the
// environment, pointed at dir, with output captured.
func settingsFor(t *testing.T, dir string, env map[string]string) (*settings, *bytes.Buffer) {
	t.Helper()
	env["RACECHECK_DIR"] = dir
	s, err := fromEnv(func(k string) string { return env[k] })
	require.NoError(t, err)
	var out bytes.Buffer
	s.stdout, s.stderr, s.cfg.Progress = &out, &out, &out
	return s, &out
}

func TestFromEnv(t *testing.T) {
	dir := filepath.Join(fixture.Copy(t, "clean"), "clean")
	s, err := fromEnv(func(k string) string {
		return map[string]string{
			"RACECHECK_DIR": dir, "RACECHECK_CPU": "1,2,4", "FUZZTIME": "3s", "RACECHECK_SHARD": "2/4", "RACECHECK_FUZZ_BUDGET": "1m",
			"RACECHECK_COUNT": "2", "RACECHECK_SARIF": "out.sarif", "RACECHECK_GITHUB": "true",
		}[k]
	})
	require.NoError(t, err)
	assert.Equal(t, "1,2,4", s.cfg.CPU)
	assert.Equal(t, "3s", s.cfg.FuzzTime.String())
	assert.Equal(t, runner.Shard{Index: 2, Total: 4}, s.cfg.Shard)
	assert.Equal(t, 2, s.cfg.Count)
	assert.Equal(t, "out.sarif", s.cfg.Outputs.SARIF)
	assert.True(t, s.cfg.Outputs.GitHub)
	assert.Equal(t, []string{dir}, s.cfg.Dirs)

	def, err := fromEnv(func(k string) string { return map[string]string{"RACECHECK_DIR": dir}[k] })
	require.NoError(t, err)
	assert.Equal(t, "10s", def.cfg.FuzzTime.String(), "the fuzz time defaults to 10s")
	assert.False(t, def.tidyWrite, "tidy checks by default")
	write, err := fromEnv(func(k string) string { return map[string]string{"RACECHECK_DIR": dir, "RACECHECK_TIDY": "write"}[k] })
	require.NoError(t, err)
	assert.True(t, write.tidyWrite)

	for _, bad := range []map[string]string{
		{"FUZZTIME": "soon"}, {"RACECHECK_SHARD": "3/2"}, {"RACECHECK_COUNT": "x"}, {"RACECHECK_FUZZ_BUDGET": "lots"},
		{"RACECHECK_RUN": "["}, {"RACECHECK_DIR": filepath.Join(dir, "missing")}, {"RACECHECK_JSON": "/no/such/dir/r.json"},
		{"RACECHECK_TIDY": "yes"},
	} {
		if bad["RACECHECK_DIR"] == "" {
			bad["RACECHECK_DIR"] = dir
		}
		_, err := fromEnv(func(k string) string { return bad[k] })
		assert.ErrorIs(t, err, runner.ErrInvalidConfig, "%v", bad)
	}
}

func TestTestFailsOnUnformattedFile(t *testing.T) {
	dir := fixture.Copy(t, "unformatted")
	ws, err := runner.Discover(context.Background(), "go", filepath.Join(dir, "unformatted"))
	require.NoError(t, err)
	err = runner.CheckFormat(ws)
	require.ErrorIs(t, err, runner.ErrUnformatted)
	assert.Contains(t, err.Error(), "ugly.go")
	assert.NotContains(t, err.Error(), "doc.go")
	assert.NotContains(t, err.Error(), "ignored.go", "testdata is skipped")
	assert.NotContains(t, err.Error(), "nested.go", "nested modules are skipped")
}

func TestStepsOnFixtureModules(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on fixture modules")
	}
	dir := fixture.Copy(t, "unformatted", "failing", "clean")
	ctx := context.Background()

	t.Run("unformatted file", func(t *testing.T) {
		s, _ := settingsFor(t, filepath.Join(dir, "unformatted"), map[string]string{})
		err := s.gofmt(ctx)
		require.ErrorIs(t, err, runner.ErrUnformatted)
		assert.Contains(t, err.Error(), "ugly.go")
	})
	t.Run("failing test", func(t *testing.T) {
		s, out := settingsFor(t, filepath.Join(dir, "failing"), map[string]string{})
		err := s.race(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "test failure in TestFails at failing_test.go:6: failing_test.go:6: fixture failure")
		err = s.standalone(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "GOWORK=off build or test failed in example.com/failing")
		assert.Contains(t, out.String(), "GOWORK=off go build ./... && go test -short ./... in .")
	})
	t.Run("clean module passes every step", func(t *testing.T) {
		s, _ := settingsFor(t, filepath.Join(dir, "clean"), map[string]string{})
		for name, step := range map[string]func(*settings, context.Context) error{
			"gofmt": (*settings).gofmt, "vet": (*settings).vet, "tidy": (*settings).tidy,
			"race": (*settings).race, "standalone": (*settings).standalone,
		} {
			assert.NoError(t, step(s, ctx), name)
		}
	})
}

func TestTidyNamesUntidyModule(t *testing.T) {
	dir := filepath.Join(fixture.Copy(t, "clean"), "clean")
	s, _ := settingsFor(t, dir, map[string]string{})
	require.NoError(t, s.tidy(context.Background()))
	// A stale go.sum line is what go mod tidy removes; -diff reports it.
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"),
		[]byte("example.com/gone v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"), 0o644))
	err := s.tidy(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not tidy")
	assert.Contains(t, err.Error(), "example.com/clean")
}

func TestFuzzTargetFailsAndNamesCrasher(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on fixture modules")
	}
	dir := fixture.Copy(t, "fuzzcrash")
	jsonOut := filepath.Join(t.TempDir(), "report.json")
	s, out := settingsFor(t, filepath.Join(dir, "fuzzcrash"), map[string]string{"FUZZTIME": "500x", "RACECHECK_FUZZ_PARALLEL": "1", "RACECHECK_JSON": jsonOut})
	err := s.fuzz(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "fuzz crash in FuzzCrash at parse_test.go:10: panic: fuzzcrash: non-empty input")
	assert.Contains(t, out.String(), "failing input: testdata/fuzz/FuzzCrash/")
	assert.Contains(t, out.String(), "fuzz [1/1] example.com/fuzzcrash.FuzzCrash")
	assert.Contains(t, out.String(), "fuzz targets")
	b, err := os.ReadFile(jsonOut)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"schema": "racecheck/v2"`)
}
