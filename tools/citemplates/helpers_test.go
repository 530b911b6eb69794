package citemplates

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// repoRoot is the raceproof checkout these tests read (never write).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if fi, err := os.Stat(filepath.Join(dir, "ci-templates")); err == nil && fi.IsDir() {
			if _, err := os.Stat(filepath.Join(dir, ".github", "workflows")); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no raceproof checkout above the test directory")
		dir = parent
	}
}

// workflowFiles lists .github/workflows/*.yml of the checkout.
func workflowFiles(t *testing.T, root string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	return files
}

// templateFiles are every GitHub Actions file we ship: workflows and the composite action.
func templateFiles(t *testing.T, root string) []string {
	t.Helper()
	return append(workflowFiles(t, root), filepath.Join(root, "ci-templates", "github", "race-fuzz", "action.yml"))
}

var pinnedRef = regexp.MustCompile(`uses:\s+([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:/[^@\s]*)?@([0-9a-f]{40})`)

// pinnedActions maps "owner/repo@sha" of every action pinned in the templates.
func pinnedActions(t *testing.T, root string) []string {
	t.Helper()
	seen := map[string]bool{}
	for _, f := range templateFiles(t, root) {
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, m := range pinnedRef.FindAllStringSubmatch(string(src), -1) {
			seen[m[1]+"@"+m[2]] = true
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// copyDir copies the regular files of src into dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o755)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(target, data, 0o644)
	})
	require.NoError(t, err)
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
}

// gitInit makes dir a one-commit Git repository, as a downstream checkout is.
func gitInit(t *testing.T, dir string) {
	t.Helper()
	for _, args := range [][]string{
		{"init", "-q", "-b", "main"},
		{"add", "-A"},
		{"-c", "user.name=raceproof-e2e", "-c", "user.email=e2e@raceproof.invalid", "commit", "-q", "-m", "fixture"},
	} {
		out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
		require.NoError(t, err, "git %v: %s", args, out)
	}
}

// run executes a command, returning its combined output and exit code.
func run(t *testing.T, timeout time.Duration, dir string, env []string, name string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	start := time.Now()
	err := cmd.Run()
	out := buf.String()
	t.Logf("%s %s: %v in %v", name, strings.Join(args[:min(len(args), 3)], " "), err, time.Since(start).Round(time.Second))
	require.NoError(t, ctx.Err(), "%s timed out after %v; output:\n%s", name, timeout, tail(out, 4000))
	code := 0
	if err != nil {
		exitErr, ok := err.(*exec.ExitError)
		require.True(t, ok, "%s could not run: %v\n%s", name, err, tail(out, 4000))
		code = exitErr.ExitCode()
	}
	return out, code
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
