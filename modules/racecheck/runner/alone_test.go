package runner_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// siblingRepo writes a Git repository holding a workspace of two modules:
// example.com/base at the root of base/, and example.com/base/adapter
// nested in it, which requires base at v0.1.0, a version no proxy has.
func siblingRepo(t *testing.T) (repo string, ws runner.Workspace) {
	t.Helper()
	repo = t.TempDir()
	files := map[string]string{
		"go.work":                    "go 1.25.0\n\nuse (\n\t./base\n\t./base/adapter\n)\n",
		"base/go.mod":                "module example.com/base\n\ngo 1.25.0\n",
		"base/base.go":               "package base\n\n// Answer is the answer.\nfunc Answer() int { return 42 }\n",
		"base/adapter/go.mod":        "module example.com/base/adapter\n\ngo 1.25.0\n\nrequire example.com/base v0.1.0\n",
		"base/adapter/adapter.go":    "package adapter\n\nimport \"example.com/base\"\n\n// Twice is twice the answer.\nfunc Twice() int { return 2 * base.Answer() }\n",
		"base/adapter/twice_test.go": "package adapter\n\nimport \"testing\"\n\nfunc TestTwice(t *testing.T) {\n\tif Twice() != 84 {\n\t\tt.Fatal(Twice())\n\t}\n}\n",
	}
	for name, content := range files {
		path := filepath.Join(repo, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	}
	gitIn(t, repo, "init", "-q")
	commitAll(t, repo, "first")
	ws, err := runner.Discover(context.Background(), "go", repo)
	require.NoError(t, err)
	return repo, ws
}

func gitIn(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
}

func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	gitIn(t, dir, "add", "-A")
	gitIn(t, dir, "commit", "-q", "-m", msg)
}

// isolateModuleCache points the go command at an empty module cache of the
// test's own, so the test can see what enters it.
func isolateModuleCache(t *testing.T) string {
	t.Helper()
	cache := t.TempDir()
	t.Setenv("GOMODCACHE", cache)
	t.Setenv("GOFLAGS", "-modcacherw")
	return cache
}

func TestAloneServesUnpublishedSiblings(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end: runs the go command on a fixture workspace")
	}
	cache := isolateModuleCache(t)
	repo, ws := siblingRepo(t)
	ctx := context.Background()
	var out bytes.Buffer
	adapterSum := filepath.Join(repo, "base", "adapter", "go.sum")

	require.Error(t, runner.Tidy(ctx, "go", ws, false, &out), "without go.sum lines for base, adapter is not tidy")
	require.NoError(t, runner.Tidy(ctx, "go", ws, true, &out), "%s", &out)
	sum, err := os.ReadFile(adapterSum)
	require.NoError(t, err)
	assert.Contains(t, string(sum), "example.com/base v0.1.0 h1:", "base, served from its directory, is pinned")
	require.NoError(t, runner.Tidy(ctx, "go", ws, false, &out), "%s", &out)
	out.Reset()
	require.NoError(t, runner.Standalone(ctx, "go", ws, &out), "%s", &out)
	assert.Contains(t, out.String(), "its workspace requirements served from their tags or directories")
	commitAll(t, repo, "tidy")

	// base changes: adapter's go.sum no longer matches what tagging this
	// commit would release, and the check says so; write mode rewrites it.
	basego := filepath.Join(repo, "base", "base.go")
	require.NoError(t, os.WriteFile(basego, []byte("package base\n\n// Answer is still the answer.\nfunc Answer() int { return 42 }\n"), 0o644))
	err = runner.Tidy(ctx, "go", ws, false, &out)
	require.ErrorIs(t, err, runner.ErrUntidy)
	assert.Contains(t, err.Error(), "example.com/base/adapter")
	assert.NotContains(t, err.Error(), "example.com/base,", "base itself is tidy")
	require.NoError(t, runner.Tidy(ctx, "go", ws, true, &out), "%s", &out)
	require.NoError(t, runner.Tidy(ctx, "go", ws, false, &out), "%s", &out)
	commitAll(t, repo, "release base v0.1.0")

	// Once base/v0.1.0 is tagged, v0.1.0 is what the tag holds, whatever
	// base becomes: a later edit leaves adapter tidy.
	gitIn(t, repo, "tag", "base/v0.1.0")
	require.NoError(t, os.WriteFile(basego, []byte("package base\n\n// Answer is the answer, later.\nfunc Answer() int { return 42 }\n"), 0o644))
	require.NoError(t, runner.Tidy(ctx, "go", ws, false, &out), "%s", &out)
	out.Reset()
	require.NoError(t, runner.Standalone(ctx, "go", ws, &out), "%s", &out)

	_, err = os.Stat(filepath.Join(cache, "example.com", "base@v0.1.0"))
	assert.True(t, os.IsNotExist(err), "a version served from disk never enters the user's module cache")
}

func TestAloneLeavesModulesWithoutSiblingsAsTheyAre(t *testing.T) {
	_, ws := siblingRepo(t)
	alone, err := runner.NewAlone(context.Background(), "go", ws)
	require.NoError(t, err)
	defer func() { require.NoError(t, alone.Close()) }()
	base, adapter := ws.Modules[0], ws.Modules[1]
	require.Equal(t, "example.com/base", base.Path)
	assert.False(t, alone.Served(base))
	assert.True(t, alone.Served(adapter))
	assert.Contains(t, alone.Env(base), "GOWORK=off")
	assert.NotContains(t, envValue(alone.Env(base), "GOPROXY"), "racecheck-alone-", "base needs no proxy")
	assert.Contains(t, envValue(alone.Env(adapter), "GOPROXY"), "racecheck-alone-")
	assert.Contains(t, envValue(alone.Env(adapter), "GONOSUMDB"), "example.com/base")
}

func TestAloneLeavesReplacedRequirementsToTheReplace(t *testing.T) {
	repo, ws := siblingRepo(t)
	gomod := filepath.Join(repo, "base", "adapter", "go.mod")
	data, err := os.ReadFile(gomod)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(gomod, append(data, "\nreplace example.com/base => ../\n"...), 0o644))
	alone, err := runner.NewAlone(context.Background(), "go", ws)
	require.NoError(t, err)
	defer func() { require.NoError(t, alone.Close()) }()
	assert.False(t, alone.Served(ws.Modules[1]), "the replace decides where base comes from")
}

func envValue(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if len(kv) > len(name) && kv[:len(name)+1] == name+"=" {
			v = kv[len(name)+1:]
		}
	}
	return v
}
