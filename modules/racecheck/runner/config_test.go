package runner_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

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

func TestShardsPartitionTargets(t *testing.T) {
	const n, targets = 3, 10
	seen := make([]int, targets)
	for i := 1; i <= n; i++ {
		s := runner.Shard{Index: i, Total: n}
		for k := range targets {
			if s.Has(k) {
				seen[k]++
			}
		}
	}
	for k, c := range seen {
		assert.Equal(t, 1, c, "target %d", k)
	}
}

func TestParseFuzzTime(t *testing.T) {
	ft, err := runner.ParseFuzzTime("1m30s")
	require.NoError(t, err)
	assert.Equal(t, runner.FuzzTime{Duration: 90 * time.Second}, ft)
	assert.Equal(t, "1m30s", ft.String())
	ft, err = runner.ParseFuzzTime("500x")
	require.NoError(t, err)
	assert.Equal(t, "500x", ft.String())
	for _, bad := range []string{"", "0s", "-1s", "x", "0x", "ten"} {
		_, err := runner.ParseFuzzTime(bad)
		assert.ErrorIs(t, err, runner.ErrInvalidConfig, bad)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	cfg := runner.DefaultConfig()
	cfg.Count = 0
	rep, err := runner.Run(context.Background(), cfg)
	require.ErrorIs(t, err, runner.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "Count")
	assert.Equal(t, report.ExitBroken, rep.ExitCode())
}

func TestDiscoverAcceptsDotDotDot(t *testing.T) {
	ws, err := runner.Discover(context.Background(), "go", "../testdata/clean/...")
	require.NoError(t, err)
	require.Len(t, ws.Modules, 1)
	assert.Equal(t, "example.com/clean", ws.Modules[0].Path)
	assert.Empty(t, ws.GoWork)
	assert.Contains(t, ws.Env(), "GOWORK=off")

	ws, err = runner.Discover(context.Background(), "go", "../testdata/workspace")
	require.NoError(t, err)
	require.Len(t, ws.Modules, 2)
	assert.Equal(t, "example.com/beta", ws.Modules[1].Path)
	assert.Contains(t, ws.Env(), "GOWORK="+ws.GoWork)
}

func TestDiscoverWithoutModule(t *testing.T) {
	_, err := runner.Discover(context.Background(), "go", t.TempDir())
	assert.True(t, errors.Is(err, runner.ErrNoModule), "%v", err)
}

func TestHasPackages(t *testing.T) {
	env := append(os.Environ(), "GOWORK=off")
	empty := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(empty, "go.mod"), []byte("module example.com/empty\n\ngo 1.25.0\n"), 0o644))
	ok, err := runner.HasPackages(context.Background(), "go", empty, env)
	require.NoError(t, err)
	assert.False(t, ok, "a module with only a go.mod has nothing to vet or test")

	ok, err = runner.HasPackages(context.Background(), "go", "../testdata/clean", env)
	require.NoError(t, err)
	assert.True(t, ok)

	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "go.mod"), []byte("this is not a go.mod\n"), 0o644))
	_, err = runner.HasPackages(context.Background(), "go", bad, env)
	assert.Error(t, err)
}
