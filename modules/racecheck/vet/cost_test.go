package vet_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestColdCacheCost measures what racecheck vet costs against go vet on the
// same packages with a cold build cache: each run gets a fresh, empty
// GOCACHE, and the tools alternate (go vet, racecheck vet, go vet
// -vettool=racecheck-vet, go vet, …) so that load on the machine hits them
// alike. It prints the median wall time of each tool and the ratios.
//
// It is opt-in, since one round on a large module takes minutes:
//
//	RACECHECK_COST_DIRS=/path/to/grpc-go:/path/to/nats-server \
//	RACECHECK_COST_ROUNDS=3 go test -run TestColdCacheCost -v -timeout 0 ./vet/
//
// Each directory is a module root; ./... is analysed with GOWORK=off and
// -mod=mod, so its dependencies must already be in the module cache (go
// mod download), which is shared by all runs and not part of the cost.
func TestColdCacheCost(t *testing.T) {
	dirs := os.Getenv("RACECHECK_COST_DIRS")
	if dirs == "" {
		t.Skip("set RACECHECK_COST_DIRS to measure (see the doc comment)")
	}
	rounds := 3
	if r := os.Getenv("RACECHECK_COST_ROUNDS"); r != "" {
		n, err := strconv.Atoi(r)
		require.NoError(t, err, "RACECHECK_COST_ROUNDS")
		rounds = n
	}
	bin := t.TempDir()
	for _, cmd := range []string{"racecheck", "racecheck-vet"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, cmd), "github.com/raceproof/raceproof/modules/racecheck/cmd/"+cmd).CombinedOutput()
		require.NoError(t, err, "%s", out)
	}
	tools := []struct {
		name string
		args []string
	}{
		{"go vet", []string{"go", "vet", "./..."}},
		{"racecheck vet", []string{filepath.Join(bin, "racecheck"), "vet", "./..."}},
		{"go vet -vettool=racecheck-vet", []string{"go", "vet", "-vettool=" + filepath.Join(bin, "racecheck-vet"), "./..."}},
	}
	for dir := range strings.SplitSeq(dirs, string(os.PathListSeparator)) {
		times := make([][]time.Duration, len(tools))
		for round := range rounds {
			for i, tool := range tools {
				cache := t.TempDir()
				cmd := exec.Command(tool.args[0], tool.args[1:]...)
				cmd.Dir = dir
				cmd.Env = append(os.Environ(), "GOCACHE="+cache, "GOWORK=off", "GOFLAGS=-mod=mod")
				start := time.Now()
				out, err := cmd.CombinedOutput()
				elapsed := time.Since(start)
				if exit, ok := err.(*exec.ExitError); err != nil && (!ok || exit.ExitCode() > 1) {
					t.Fatalf("%s in %s: %v\n%s", tool.name, dir, err, out)
				}
				times[i] = append(times[i], elapsed)
				t.Logf("%s round %d: %s %.1fs", filepath.Base(dir), round+1, tool.name, elapsed.Seconds())
				require.NoError(t, os.RemoveAll(cache))
			}
		}
		base := median(times[0])
		var b strings.Builder
		fmt.Fprintf(&b, "%s (%d rounds, cold GOCACHE each run):", filepath.Base(dir), rounds)
		for i, tool := range tools {
			m := median(times[i])
			fmt.Fprintf(&b, " %s %.1fs (%.2fx);", tool.name, m.Seconds(), m.Seconds()/base.Seconds())
		}
		t.Log(b.String())
	}
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
