package release

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leanGraphs are, per released module, the modules that must not appear in
// the module graph of a downstream module that requires it: the reason
// lincheck and shardcache/prom are modules of their own. Add a row per
// module whose graph must stay lean.
var leanGraphs = []struct {
	dir       string
	forbidden []string
}{
	{"modules/racecheck/lincheck", []string{"golang.org/x/tools", "github.com/santhosh-tekuri/jsonschema"}},
	{"modules/racecheck/leakcheck", []string{"golang.org/x/tools", "github.com/anishathalye/porcupine"}},
	{"modules/safemap", []string{"golang.org/x/", "github.com/anishathalye/porcupine"}},
	{"modules/lockfree", []string{"golang.org/x/", "github.com/anishathalye/porcupine"}},
	{"modules/shardcache", []string{"github.com/prometheus/", "google.golang.org/protobuf"}},
}

// TestLeanModuleGraphs checks each leanGraphs row on the module itself
// (GOWORK=off go list -m all in its directory, which includes its tests'
// dependencies): cheap, so it runs with every go test.
func TestLeanModuleGraphs(t *testing.T) {
	root := repoRoot(t)
	for _, row := range leanGraphs {
		t.Run(row.dir, func(t *testing.T) {
			out, err := command(t.Context(), filepath.Join(root, filepath.FromSlash(row.dir)), []string{"GOWORK=off", "GOFLAGS=-mod=readonly"}, "go", "list", "-m", "all")
			require.NoError(t, err)
			for _, f := range row.forbidden {
				assert.NotContains(t, out, f, "%s's module graph", row.dir)
			}
		})
	}
}

// TestInstallFromTags is the proof that the released modules install as a
// user gets them: it clones this checkout (uncommitted changes to tracked
// files included), runs the release checks in the clone and tags every
// module at its CHANGELOG version, serves those tags from a file-system
// module proxy, and in a fresh module with GOWORK=off and no replace runs go
// get of the libraries (checking the lean graphs downstream too) and go
// install of racecheck, then runs racecheck. `go tool mage installTest`
// (part of `go tool mage test`) runs it with RACEPROOF_INSTALL_E2E=1.
func TestInstallFromTags(t *testing.T) {
	if os.Getenv("RACEPROOF_INSTALL_E2E") != "1" {
		t.Skip("the install test is off; `go tool mage installTest` (part of `go tool mage test`) runs it with RACEPROOF_INSTALL_E2E=1")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 9*time.Minute)
	defer cancel()
	root := repoRoot(t)
	tmp := t.TempDir()

	// The clone: HEAD, or a commit of the work tree's tracked files.
	rev := strings.TrimSpace(mustRun(t, ctx, root, nil, "git", "stash", "create"))
	if rev == "" {
		rev = "HEAD"
	}
	clone := filepath.Join(tmp, "clone")
	mustRun(t, ctx, tmp, nil, "git", "clone", "-q", "--shared", "--no-checkout", root, clone)
	mustRun(t, ctx, clone, nil, "git", "checkout", "-q", "--detach", strings.TrimSpace(mustRun(t, ctx, root, nil, "git", "rev-parse", rev)))
	mustRun(t, ctx, clone, nil, "git", "config", "user.name", "install-test")
	mustRun(t, ctx, clone, nil, "git", "config", "user.email", "install-test@raceproof.invalid")
	if tags := strings.Fields(mustRun(t, ctx, clone, nil, "git", "tag", "--list")); len(tags) > 0 {
		mustRun(t, ctx, clone, nil, "git", append([]string{"tag", "-d"}, tags...)...)
	}

	// go tool mage release, tagging, in the clone.
	var log bytes.Buffer
	plans, err := Run(ctx, Options{Root: clone, Tag: true, Out: &log})
	require.NoError(t, err, "release checks in the clone:\n%s", &log)
	t.Logf("release in the clone:\n%s", &log)
	versions := map[string]string{}
	var mods []Module
	for _, p := range plans {
		versions[p.Module.Dir] = p.Version
		mods = append(mods, p.Module)
	}
	for _, dir := range Released {
		require.Contains(t, versions, dir, "every released module is tagged in the clone")
	}

	proxy := filepath.Join(tmp, "proxy")
	require.NoError(t, BuildProxy(ctx, clone, proxy, mods, func(m Module) string { return versions[m.Dir] }))

	// The downstream module and its environment: our modules only from the
	// proxy, everything else from the local module cache's download
	// directory (a proxy too), then the configured proxy; a private module
	// cache, so these versions never reach the real one.
	modcache, err := command(ctx, root, nil, "go", "env", "GOMODCACHE")
	require.NoError(t, err)
	upstream, err := command(ctx, root, nil, "go", "env", "GOPROXY")
	require.NoError(t, err)
	goproxy := "file://" + filepath.ToSlash(proxy) + ",file://" + filepath.ToSlash(filepath.Join(strings.TrimSpace(modcache), "cache", "download"))
	if u := strings.TrimSpace(upstream); u != "" && u != "off" {
		goproxy += "," + u
	}
	env := []string{
		"GOWORK=off", "GOPROXY=" + goproxy, "GOMODCACHE=" + filepath.Join(tmp, "modcache"),
		"GOFLAGS=-modcacherw", "GOSUMDB=off", "GOTOOLCHAIN=local", "GOBIN=" + filepath.Join(tmp, "bin"),
	}
	down := filepath.Join(tmp, "downstream")
	require.NoError(t, os.MkdirAll(down, 0o755))
	write := func(name, content string) {
		require.NoError(t, os.WriteFile(filepath.Join(down, name), []byte(content), 0o644))
	}
	write("go.mod", "module example.com/downstream\n\ngo 1.25.0\n")
	write("main.go", `package main

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/raceproof/raceproof/modules/lockfree"
	"github.com/raceproof/raceproof/modules/safemap"
	"github.com/raceproof/raceproof/modules/shardcache"
	"github.com/raceproof/raceproof/modules/shardcache/prom"
)

func main() {
	var m safemap.Map[string, int]
	m.Store("a", 1)
	var c lockfree.Counter
	c.Add(2)
	cache, err := shardcache.New(shardcache.Options[string, int]{MaxEntries: 10})
	if err != nil {
		panic(err)
	}
	defer cache.Close()
	cache.Set("b", 4)
	reg := prometheus.NewRegistry()
	reg.MustRegister(prom.NewCollector(cache, prom.Options{}))
	families, err := reg.Gather()
	if err != nil || len(families) == 0 {
		panic(fmt.Sprint("no metrics: ", err))
	}
	v, _ := m.Load("a")
	w, _ := cache.Get("b")
	fmt.Println(v + int(c.Load()) + w)
}
`)
	write("main_test.go", `package main

import (
	"os"
	"testing"

	"github.com/raceproof/raceproof/modules/racecheck/leakcheck"
	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

var _ = lincheck.CounterModel

func TestMain(m *testing.M) { os.Exit(leakcheck.Run(m)) }
`)
	var gets []string
	for _, dir := range []string{"modules/safemap", "modules/lockfree", "modules/shardcache", "modules/shardcache/prom", "modules/racecheck/lincheck", "modules/racecheck/leakcheck"} {
		m, err := readModule(clone, dir)
		require.NoError(t, err)
		gets = append(gets, m.Path+"@"+versions[dir])
	}
	mustRun(t, ctx, down, env, "go", append([]string{"get"}, gets...)...)
	mustRun(t, ctx, down, env, "go", "mod", "tidy")
	assert.Equal(t, "7\n", mustRun(t, ctx, down, env, "go", "run", "."))
	mustRun(t, ctx, down, env, "go", "vet", "./...")
	gomod, err := os.ReadFile(filepath.Join(down, "go.mod"))
	require.NoError(t, err)
	assert.NotContains(t, string(gomod), "replace")

	// Downstream, each lean module brings only its own dependencies.
	for _, row := range leanGraphs {
		m, err := readModule(clone, row.dir)
		require.NoError(t, err)
		lone := filepath.Join(tmp, "lean-"+filepath.Base(row.dir))
		require.NoError(t, os.MkdirAll(lone, 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(lone, "go.mod"), []byte("module example.com/lean\n\ngo 1.25.0\n"), 0o644))
		mustRun(t, ctx, lone, env, "go", "get", m.Path+"@"+versions[row.dir])
		graph := mustRun(t, ctx, lone, env, "go", "list", "-m", "all")
		for _, f := range row.forbidden {
			assert.NotContains(t, graph, f, "a module that requires only %s", m.Path)
		}
	}

	// racecheck, installed by version and run.
	rc, err := readModule(clone, "modules/racecheck")
	require.NoError(t, err)
	mustRun(t, ctx, down, env, "go", "install", "-trimpath", rc.Path+"/cmd/racecheck@"+versions["modules/racecheck"])
	bin := filepath.Join(tmp, "bin", "racecheck")
	assert.Contains(t, mustRun(t, ctx, down, env, bin, "version"), versions["modules/racecheck"], "the installed binary knows its version")
	assert.Equal(t, "[]\n", mustRun(t, ctx, down, env, bin, "list", "-json", "."), "no fuzz targets downstream")
	mustRun(t, ctx, down, env, bin, "vet", "./...")
}

// mustRun runs a command and returns its standard output, failing the test
// with its output on error.
func mustRun(t *testing.T, ctx context.Context, dir string, env []string, name string, args ...string) string {
	t.Helper()
	start := time.Now()
	out, err := command(ctx, dir, env, name, args...)
	require.NoError(t, err)
	t.Logf("%s %s (%v)", filepath.Base(name), strings.Join(args, " "), time.Since(start).Round(100*time.Millisecond))
	return out
}
