package experiments

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// errInconclusive marks an experiment whose control did not show the effect
// it must show where the effect exists (plain variables never reordered, a
// deliberately racy program went unreported, ...): the run says nothing about
// the claim either way, so the test is skipped with the reason, never passed.
var errInconclusive = errors.New("inconclusive")

// inconclusive returns an error wrapping errInconclusive.
func inconclusive(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errInconclusive, fmt.Sprintf(format, args...))
}

// conclude reports an experiment's evaluation: nil passes, an inconclusive
// error skips the test with its reason, any other error fails it.
func conclude(t *testing.T, err error) {
	t.Helper()
	switch {
	case err == nil:
	case errors.Is(err, errInconclusive):
		t.Skipf("INCONCLUSIVE (not passed): %v", err)
	default:
		t.Error(err)
	}
}

// requireRace skips a test whose claim only the race detector can check.
func requireRace(t *testing.T) {
	t.Helper()
	if !raceEnabled {
		t.Skip("this claim is checked by the race detector: run with go test -race (see doc.go)")
	}
}

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
	cmd.Env = append(os.Environ(), "GOFLAGS=", "GOTOOLCHAIN=local")
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

// oldGo is the release before sync.Map became a HashTrieMap (Go 1.24): claims
// about "Go 1.23" run on it.
const oldGo = "go1.23.12"

var (
	toolchainMu  sync.Mutex
	toolchainErr = map[string]error{}
)

// requireToolchain makes sure the go command can run toolchain version (for
// example "go1.23.12") and skips the test with the reason when it cannot. The
// go command downloads the toolchain through the module proxy on first use
// (GOTOOLCHAIN=<version>) and keeps it in the module cache, so only the first
// run pays for the download.
func requireToolchain(t *testing.T, version string) {
	t.Helper()
	toolchainMu.Lock()
	err, checked := toolchainErr[version]
	if !checked {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		cmd := exec.CommandContext(ctx, "go", "version")
		cmd.Dir = os.TempDir()
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+version, "GOFLAGS=", "GOWORK=off")
		out, runErr := cmd.CombinedOutput()
		cancel()
		switch {
		case runErr != nil:
			err = fmt.Errorf("%v: %s", runErr, strings.TrimSpace(string(out)))
		case !strings.Contains(string(out), version+" "):
			err = fmt.Errorf("GOTOOLCHAIN=%s go version printed %q", version, strings.TrimSpace(string(out)))
		}
		toolchainErr[version] = err
	}
	toolchainMu.Unlock()
	if err != nil {
		t.Skipf("toolchain %s cannot be downloaded through the module proxy here, so this part of the claim was not run: %v", version, err)
	}
}

// buildWithToolchain compiles ./testdata/<name>/main.go with Go toolchain
// version (downloaded by requireToolchain) and the given build flags, in a
// module of its own whose go directive is 1.23, so that the benchmarks
// module's newer go directive does not stop an older toolchain.
func buildWithToolchain(t *testing.T, version, name string, flags ...string) string {
	t.Helper()
	requireToolchain(t, version)
	src, err := os.ReadFile(filepath.Join("testdata", name, "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module "+name+"\n\ngo 1.23\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "main.go"), src, 0o644); err != nil {
		t.Fatal(err)
	}
	exe := filepath.Join(dir, name)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", append(append([]string{"build", "-o", exe}, flags...), ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOTOOLCHAIN="+version, "GOFLAGS=", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("GOTOOLCHAIN=%s go build %v ./testdata/%s: %v\n%s", version, flags, name, err, out)
	}
	return exe
}

// TestUnavailableToolchainSkips: a toolchain the module proxy cannot serve
// makes the Go 1.23 experiments skip with the reason, not fail.
func TestUnavailableToolchainSkips(t *testing.T) {
	skipped := false
	t.Run("go1.999.0", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		requireToolchain(t, "go1.999.0")
	})
	if !skipped {
		t.Error("requireToolchain did not skip for a toolchain that does not exist")
	}
}
