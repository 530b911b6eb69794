package experiments

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"
)

var (
	buildMu    sync.Mutex
	buildCache = map[string]string{}
	buildDir   string
)

// TestMain removes the programs built for the subprocess experiments.
func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildProgram compiles ./testdata/<name> once per test binary with the given
// extra go build flags and returns the executable's path.
func buildProgram(t *testing.T, name string, flags ...string) string {
	t.Helper()
	out, err := tryBuild(name, flags...)
	if err != nil {
		t.Fatalf("go build ./testdata/%s %v: %v\n%s", name, flags, err, out)
	}
	return buildCache[cacheKey(name, flags)]
}

func cacheKey(name string, flags []string) string {
	k := name
	for _, f := range flags {
		k += " " + f
	}
	return k
}

// tryBuild compiles ./testdata/<name>; it returns the compiler's output and
// its error, so experiments about build failures can inspect both.
func tryBuild(name string, flags ...string) (string, error) {
	buildMu.Lock()
	defer buildMu.Unlock()
	key := cacheKey(name, flags)
	if _, ok := buildCache[key]; ok {
		return "", nil
	}
	if buildDir == "" {
		d, err := os.MkdirTemp("", "raceproof-experiments-")
		if err != nil {
			return "", err
		}
		buildDir = d
	}
	exe := filepath.Join(buildDir, name+"-"+itoa(len(buildCache)))
	args := append([]string{"build", "-o", exe}, flags...)
	args = append(args, "./testdata/"+name)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		buildCache[key] = exe
	}
	return string(out), err
}

// runResult is the outcome of one subprocess experiment.
type runResult struct {
	Stdout, Stderr string
	ExitCode       int
}

// runProgram runs exe with args and extra environment, killing it after timeout.
func runProgram(t *testing.T, exe string, timeout time.Duration, env []string, args ...string) runResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("%s %v did not finish within %s", filepath.Base(exe), args, timeout)
	}
	res := runResult{Stdout: stdout.String(), Stderr: stderr.String()}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		res.ExitCode = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("running %s: %v", filepath.Base(exe), err)
	}
	return res
}

// withProcs runs f at each GOMAXPROCS value and restores the old setting.
func withProcs(t *testing.T, f func(t *testing.T)) {
	for _, p := range []int{1, 2, 4} {
		t.Run("procs="+itoa(p), func(t *testing.T) {
			old := runtime.GOMAXPROCS(p)
			defer runtime.GOMAXPROCS(old)
			f(t)
		})
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
