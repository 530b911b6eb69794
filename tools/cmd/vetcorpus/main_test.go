package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	return path
}

// TestReport checks the join of findings with verdicts: each project's
// counts, each rule's in and out of the group the rules came from, the
// findings to judge and the verdicts no finding matches.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	ps, err := readProjects(writeFile(t, dir, "projects.tsv", "# group, repo, commit\n29\ta/one\tabc\n\nset30\tb/two\tdef\tgo mod init b/two\nset30\tc/three\t123\n"), "")
	require.NoError(t, err)
	require.Len(t, ps, 3)
	assert.Equal(t, "go mod init b/two", ps[1].setup)
	assert.Equal(t, "b+two", ps[1].dirName())

	vs, err := readVerdicts(writeFile(t, dir, "verdicts.tsv", strings.Join([]string{
		"a/one\tx.go:10\ttrue\ta lost update",
		"a/one\tx.go:20\tfalse\tone goroutine",
		"b/two\ty.go:5\tdebatable\ttwo calls of one key not shown",
		"b/two\ty.go:9\ttrue\tfixed since",
	}, "\n")))
	require.NoError(t, err)

	found := map[string][]finding{
		"a/one": {{"x.go:10", "lost-update", "m"}, {"x.go:20", "insert-if-absent", "m"}},
		"b/two": {{"y.go:5", "insert-if-absent", "m"}, {"y.go:7", "insert-if-absent", "a new one"}},
	}
	rs := measure(ps, func(p project) ([]finding, error) {
		if p.repo == "c/three" {
			return nil, errors.New("no checkout")
		}
		return found[p.repo], nil
	})
	var out bytes.Buffer
	writeReport(&out, rs, vs)
	text := out.String()
	assert.Contains(t, text, "| 29 | a/one | abc | 2 | 1 | 0 | 1 | 0 | 0 |\n")
	assert.Contains(t, text, "| set30 | b/two | def | 2 | 0 | 1 | 0 | 1 | 1 |\n")
	assert.Contains(t, text, "| insert-if-absent | 1 | 0 | 0 % | 2 | 0 | 1 | 0 | 1 | 0 % |\n")
	assert.Contains(t, text, "| lost-update | 1 | 1 | 100 % | 0 | 0 | 0 | 0 | 0 | – |\n")
	assert.Contains(t, text, "| **total** | 2 | 1 | 50 % | 2 | 0 | 1 | 0 | 1 | 0 % |\n")
	assert.Contains(t, text, "- b/two `y.go:7` [insert-if-absent]: a new one")
	assert.Contains(t, text, "- b/two `y.go:9` (true: fixed since)")
	assert.Contains(t, text, "- c/three (set30): no checkout")
}

// TestBadFiles checks that malformed lines are refused with their place.
func TestBadFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := readProjects(writeFile(t, dir, "p.tsv", "29\tnoslash\tabc\n"), "")
	assert.ErrorContains(t, err, "p.tsv:1: want group, owner/repo, commit")
	_, err = readVerdicts(writeFile(t, dir, "v.tsv", "a/one\tx.go:1\tmaybe\twhy\n"))
	assert.ErrorContains(t, err, `v.tsv:1: verdict "maybe" is none of true, debatable, false`)
	_, err = readVerdicts(writeFile(t, dir, "w.tsv", "a/one\tx.go:1\ttrue\twhy\na/one\tx.go:1\tfalse\tno\n"))
	assert.ErrorContains(t, err, "w.tsv:2: a/one x.go:1 is judged twice")
}

// TestVetProject runs racecheck vet on a small module, as on a checkout,
// and reads its findings back with their rules.
func TestVetProject(t *testing.T) {
	t.Setenv("GOWORK", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	dir := t.TempDir()
	writeFile(t, dir, "go.mod", "module example.com/m\n\ngo 1.25.0\n")
	writeFile(t, dir, "m.go", "package m\n\nimport \"sync\"\n\nfunc inc(m *sync.Map, k string) {\n\tv, _ := m.Load(k)\n\tm.Store(k, v.(int)+1)\n}\n")
	for _, args := range [][]string{{"init", "-q"}, {"add", "."}, {"-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-qm", "m"}} {
		require.NoError(t, gitCmd(dir, args...))
	}
	head, err := gitOutput(dir, "rev-parse", "HEAD")
	require.NoError(t, err)

	fs, err := vetProject(dir, project{repo: "example/m", commit: head[:8]})
	require.NoError(t, err)
	assert.Equal(t, []finding{{at: "m.go:7", rule: "lost-update", message: fs[0].message}}, fs)
	assert.Contains(t, fs[0].message, "m.Store(k) after m.Load(k) on line 6")

	_, err = vetProject(dir, project{repo: "example/m", commit: "0000000"})
	assert.ErrorContains(t, err, "not at 0000000")
	_, err = vetProject(filepath.Join(dir, "nosuch"), project{repo: "example/m", commit: head})
	assert.ErrorContains(t, err, "no checkout")
}

func gitCmd(dir string, args ...string) error {
	_, err := gitOutput(dir, args...)
	return err
}

func gitOutput(dir string, args ...string) (string, error) {
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
