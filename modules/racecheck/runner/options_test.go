package runner_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

var update = flag.Bool("update", false, "rewrite the options table in the module README")

func TestParseShard(t *testing.T) {
	s, err := runner.ParseShard("2/3")
	require.NoError(t, err)
	assert.Equal(t, runner.Shard{Index: 2, Total: 3}, s)
	assert.Equal(t, "2/3", s.String())
	var got []int
	for k := range 7 {
		if s.Has(k) {
			got = append(got, k)
		}
	}
	assert.Equal(t, []int{1, 4}, got)
	for _, bad := range []string{"0/3", "4/3", "1", "a/b", "1/0"} {
		_, err := runner.ParseShard(bad)
		assert.ErrorIs(t, err, runner.ErrInvalidConfig, bad)
	}
}

func TestParseFuzzTime(t *testing.T) {
	ft, err := runner.ParseFuzzTime("1000x")
	require.NoError(t, err)
	assert.Equal(t, runner.FuzzTime{Execs: 1000}, ft)
	ft, err = runner.ParseFuzzTime("90s")
	require.NoError(t, err)
	assert.Equal(t, "1m30s", ft.String())
	for _, bad := range []string{"0x", "-1s", "never", "x", "0s"} {
		_, err := runner.ParseFuzzTime(bad)
		assert.ErrorIs(t, err, runner.ErrInvalidConfig, bad)
	}
}

// TestOptionsRejectBadValues: every value go test would reject, and every
// value that makes no sense, is an error naming the option.
func TestOptionsRejectBadValues(t *testing.T) {
	for flagName, bad := range map[string][]string{
		"cpu":            {"x,y", "0", "1,-2", ","},
		"count":          {"0", "-1", "two"},
		"shuffle":        {"maybe", "1.5"},
		"run":            {"[", "TestA/("},
		"skip":           {"["},
		"timeout":        {"-1s", "soon"},
		"fuzz-match":     {"["},
		"fuzztime":       {"0", "forever"},
		"fuzz-budget":    {"-5m"},
		"fuzz-parallel":  {"-1", "many"},
		"fuzz-race":      {"sometimes"},
		"fuzz-min-execs": {"-1"},
		"shard":          {"3/2"},
		"race":           {"maybe"},
		"packages":       {"p/...", "all", "std", ""},
	} {
		o, ok := runner.LookupOption(flagName)
		require.True(t, ok, flagName)
		for _, v := range bad {
			cfg := runner.DefaultConfig()
			err := o.Set(&cfg, v)
			require.ErrorIs(t, err, runner.ErrInvalidConfig, "-%s %q", flagName, v)
			assert.Contains(t, err.Error(), "-"+flagName, "the error names the option")
		}
	}
	for flagName, good := range map[string]string{
		"cpu": "1,2,4", "count": "3", "shuffle": "12345", "run": "TestA/sub[0-9]", "timeout": "0",
		"fuzztime": "500x", "fuzz-race": "false", "shard": "2/4", "json": "out.json",
		"packages": "./... example.com/m/p/...",
	} {
		o, _ := runner.LookupOption(flagName)
		cfg := runner.DefaultConfig()
		assert.NoError(t, o.Set(&cfg, good), "-%s %q", flagName, good)
	}
}

func TestValidateChecksEverythingAtOnce(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module example.com/m\n"), 0o644))
	cfg := runner.DefaultConfig()
	cfg.Dirs = []string{dir, filepath.Join(dir, "missing"), t.TempDir()}
	cfg.Count = 0
	cfg.Run = "["
	cfg.Outputs.JSON = filepath.Join(dir, "no", "such", "dir", "r.json")
	err := cfg.Validate()
	require.ErrorIs(t, err, runner.ErrInvalidConfig)
	msg := err.Error()
	assert.Contains(t, msg, "count must be >= 1")
	assert.Contains(t, msg, "missing does not exist")
	assert.Contains(t, msg, "has no go.work or go.mod file")
	assert.ErrorIs(t, err, runner.ErrNoModule)
	assert.Contains(t, msg, `run "["`)
	assert.Contains(t, msg, "cannot write "+cfg.Outputs.JSON)

	good := runner.DefaultConfig()
	good.Dirs = []string{dir + "/..."}
	assert.NoError(t, good.Validate())
}

func TestSetFromEnv(t *testing.T) {
	env := map[string]string{"RACECHECK_CPU": "1,2", "FUZZTIME": "250x", "RACECHECK_SHUFFLE": "off", "RACECHECK_FUZZ_RACE": "false"}
	cfg := runner.DefaultConfig()
	require.NoError(t, cfg.SetFromEnv(func(k string) string { return env[k] }))
	assert.Equal(t, "1,2", cfg.CPU)
	assert.Equal(t, runner.FuzzTime{Execs: 250}, cfg.FuzzTime, "the old name FUZZTIME still works")
	assert.Equal(t, "off", cfg.Shuffle)
	assert.False(t, cfg.FuzzRace)

	env = map[string]string{"RACECHECK_COUNT": "zero", "RACECHECK_TIMEOUT": "-1s"}
	err := cfg.SetFromEnv(func(k string) string { return env[k] })
	require.ErrorIs(t, err, runner.ErrInvalidConfig)
	assert.Contains(t, err.Error(), `RACECHECK_COUNT="zero"`)
	assert.Contains(t, err.Error(), `RACECHECK_TIMEOUT="-1s"`)

	cfg = runner.DefaultConfig()
	require.NoError(t, cfg.SetFromEnv(func(k string) string { return map[string]string{"RACECHECK_FUZZTIME": "3s", "FUZZTIME": "9s"}[k] }))
	assert.Equal(t, 3*time.Second, cfg.FuzzTime.Duration, "the current name wins")
}

// optionsTable renders runner.Options as the README's Markdown table.
func optionsTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment (mage) | default | meaning |\n|---|---|---|---|\n")
	for _, o := range runner.Options() {
		env := "`" + o.Env + "`"
		if o.EnvAlias != "" {
			env += " (or `" + o.EnvAlias + "`)"
		}
		def := o.Default
		if def != "" {
			def = "`" + def + "`"
		}
		fmt.Fprintf(&b, "| `-%s` | %s | %s | %s |\n", o.Flag, env, def, o.Usage)
	}
	return b.String()
}

// TestREADMEListsEveryOption: the README's option table is generated from
// runner.Options (go test ./runner -run TestREADME -update rewrites it), so
// the flags, the environment variables and the docs cannot drift.
func TestREADMEListsEveryOption(t *testing.T) {
	const begin, end = "<!-- options: generated by TestREADMEListsEveryOption -->\n", "<!-- end of options -->\n"
	path := filepath.Join("..", "README.md")
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	require.True(t, i >= 0 && j > i, "README.md has the options markers")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(readme[:i+len(begin)]+optionsTable()+readme[j:]), 0o644))
		return
	}
	assert.Equal(t, optionsTable(), readme[i+len(begin):j], "run: go test ./runner -run TestREADMEListsEveryOption -update")
}
