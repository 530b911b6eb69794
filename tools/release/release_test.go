package release

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// fixture is a Git repository holding one module, example.com/lib, in lib/.
type fixture struct {
	t    *testing.T
	root string
	mod  Module
}

func newFixture(t *testing.T, api, changelog string) *fixture {
	t.Helper()
	f := &fixture{t: t, root: t.TempDir(), mod: Module{Dir: "lib", Path: "example.com/lib"}}
	f.write("lib/go.mod", "module example.com/lib\n\ngo 1.25.0\n")
	f.write("lib/lib.go", "package lib\n\n"+api)
	f.write("lib/internal/x/x.go", "package x\n\nfunc Internal(int) {}\n")
	f.write("lib/CHANGELOG.md", changelog)
	f.git("init", "-q", "-b", "main")
	f.git("config", "user.name", "release-test")
	f.git("config", "user.email", "release@test.invalid")
	f.commit("first")
	return f
}

func (f *fixture) write(rel, content string) {
	f.t.Helper()
	path := filepath.Join(f.root, filepath.FromSlash(rel))
	require.NoError(f.t, os.MkdirAll(filepath.Dir(path), 0o755))
	require.NoError(f.t, os.WriteFile(path, []byte(content), 0o644))
}

func (f *fixture) git(args ...string) string {
	f.t.Helper()
	cmd := exec.Command("git", append([]string{"-c", "user.name=release-test", "-c", "user.email=release@test.invalid"}, args...)...)
	cmd.Dir = f.root
	out, err := cmd.CombinedOutput()
	require.NoError(f.t, err, "git %v: %s", args, out)
	return string(out)
}

func (f *fixture) commit(msg string) {
	f.t.Helper()
	f.git("add", "-A")
	f.git("commit", "-q", "-m", msg)
}

// release runs the checks (and tags, with tag) over the fixture's module.
func (f *fixture) release(tag bool) ([]Plan, string, error) {
	f.t.Helper()
	var out bytes.Buffer
	plans, err := Run(context.Background(), Options{
		Root: f.root, Tag: tag, Out: &out,
		Released: []Module{f.mod}, Workspace: []Module{f.mod},
		ModuleChecks: map[string]func(string, string) error{},
	})
	return plans, out.String(), err
}

const changelogV1 = "# Changelog\n\n## v1.0.0\n\nFirst release.\n"

func TestFirstReleaseTagsAndThenHasNothingToDo(t *testing.T) {
	f := newFixture(t, "func F(int) {}\n", changelogV1)
	plans, out, err := f.release(false)
	require.NoError(t, err, out)
	require.Len(t, plans, 1)
	assert.Equal(t, Plan{Module: f.mod, Version: "v1.0.0"}, plans[0])
	assert.Contains(t, out, "v1.0.0, its first release")
	assert.NotContains(t, f.git("tag"), "lib/v1.0.0", "checks only: no tag")

	_, out, err = f.release(true)
	require.NoError(t, err, out)
	assert.Equal(t, "lib/v1.0.0\n", f.git("tag"))
	assert.Contains(t, f.git("cat-file", "-t", "lib/v1.0.0"), "tag", "an annotated tag")
	assert.Contains(t, out, "git push origin lib/v1.0.0", "says how to publish; never pushes")

	plans, out, err = f.release(true)
	require.NoError(t, err)
	assert.Empty(t, plans)
	assert.Contains(t, out, "nothing to release")
}

// TestIncompatibleChangeWithMinorBumpFailsNamingTheChange is the acceptance
// case of issue 20: a v1 module whose next release changes a signature but
// bumps only the minor version.
func TestIncompatibleChangeWithMinorBumpFailsNamingTheChange(t *testing.T) {
	f := newFixture(t, "func F(int) {}\n\nfunc Kept() {}\n", changelogV1)
	_, out, err := f.release(true)
	require.NoError(t, err, out)

	f.write("lib/lib.go", "package lib\n\nfunc F(string) {}\n\nfunc Kept() {}\n")
	f.write("lib/internal/x/x.go", "package x\n\nfunc Internal(string) {}\n")
	f.write("lib/CHANGELOG.md", "# Changelog\n\n## v1.1.0\n\nF takes a string.\n\n"+strings.TrimPrefix(changelogV1, "# Changelog\n\n"))
	f.commit("change F")
	_, out, err = f.release(true)
	require.ErrorIs(t, err, ErrBump, out)
	assert.Contains(t, err.Error(), "package example.com/lib: F: changed from func(int) to func(string)")
	assert.Contains(t, err.Error(), "incompatible API changes need a new major version")
	assert.NotContains(t, err.Error(), "Internal", "internal packages are not API")
	assert.Equal(t, "lib/v1.0.0\n", f.git("tag"), "nothing is tagged when a check fails")
}

func TestAPIChangesAndTheBumpTheyNeed(t *testing.T) {
	if testing.Short() {
		t.Skip("ten release runs over fixture repositories; TestIncompatibleChangeWithMinorBumpFailsNamingTheChange stays")
	}
	cases := []struct {
		name, prev, next, newAPI, entry string
		wantErr                         string // "" when the release passes
	}{
		{"addition in a patch", "v1.0.0", "v1.0.1", "func F(int) {}\n\nfunc G() {}\n", "Adds G.", "API additions need a minor version bump"},
		{"addition in a minor", "v1.0.0", "v1.1.0", "func F(int) {}\n\nfunc G() {}\n", "Adds G.", ""},
		{"no API change in a patch", "v1.0.0", "v1.0.1", "func F(int) {}\n\n// F's doc changed only.\n", "Docs.", ""},
		{"v0 break in a patch", "v0.1.0", "v0.1.1", "func F(string) {}\n", "F takes a string.", "at least a minor version bump in v0"},
		{"v0 break in a minor without the section", "v0.1.0", "v0.2.0", "func F(string) {}\n", "F takes a string.", `needs an "### Incompatible changes" section`},
		{"v0 break in a minor with the section", "v0.1.0", "v0.2.0", "func F(string) {}\n", "### Incompatible changes\n\n- F takes a string.", ""},
		{"removed function in v1", "v1.0.0", "v1.1.0", "func G() {}\n", "Renames F.", "F: removed"},
		{"v0 to v1 may break", "v0.3.0", "v1.0.0", "func F(string) {}\n", "Stable.", ""},
		{"v2 needs a new path", "v1.0.0", "v2.0.0", "func F(string) {}\n", "Breaks.", "needs a new module path ending in /v2"},
		{"older than the tag", "v1.2.0", "v1.1.0", "func F(int) {}\n", "Oops.", "is not newer than the previous tag v1.2.0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			prevLog := "# Changelog\n\n## " + tc.prev + "\n\nFirst.\n"
			f := newFixture(t, "func F(int) {}\n", prevLog)
			f.git("tag", "-a", f.mod.Tag(tc.prev), "-m", tc.prev)
			f.write("lib/lib.go", "package lib\n\n"+tc.newAPI)
			next := "# Changelog\n\n## " + tc.next + "\n\n" + tc.entry + "\n\n"
			if tc.wantErr == "is not newer than the previous tag v1.2.0" {
				next += "## v1.0.0\n\nFirst.\n"
			} else {
				next += strings.TrimPrefix(prevLog, "# Changelog\n\n")
			}
			f.write("lib/CHANGELOG.md", next)
			f.commit("next")
			plans, out, err := f.release(false)
			if tc.wantErr == "" {
				require.NoError(t, err, out)
				require.Len(t, plans, 1)
				assert.Equal(t, tc.prev, plans[0].Previous)
				return
			}
			require.Error(t, err, out)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestDirtyTreeFailsFirst(t *testing.T) {
	f := newFixture(t, "func F(int) {}\n", changelogV1)
	f.write("lib/new.go", "package lib\n")
	_, _, err := f.release(true)
	require.ErrorIs(t, err, ErrDirty)
	assert.Contains(t, err.Error(), "lib/new.go")
	assert.Empty(t, f.git("tag"))
}

func TestUntidyModuleFails(t *testing.T) {
	f := newFixture(t, "func F(int) {}\n", changelogV1)
	f.write("lib/go.sum", "example.com/gone v1.0.0 h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n")
	f.commit("stale go.sum")
	_, _, err := f.release(true)
	require.ErrorIs(t, err, ErrUntidy)
	assert.Contains(t, err.Error(), "example.com/lib")
}

func TestChangelogProblems(t *testing.T) {
	if testing.Short() {
		t.Skip("seven release runs over fixture repositories; ParseChangelog's cases below run in TestParseChangelog")
	}
	for name, tc := range map[string]struct{ src, want string }{
		"no entry":       {"# Changelog\n\nNothing yet.\n", "no \"## vX.Y.Z\" entry"},
		"empty entry":    {"# Changelog\n\n## v0.2.0\n\n## v0.1.0\n\nFirst.\n", "the entry for v0.2.0 is empty"},
		"wrong order":    {"# Changelog\n\n## v0.1.0\n\nA.\n\n## v0.2.0\n\nB.\n", "v0.1.0 is listed above v0.2.0"},
		"not a version":  {"# Changelog\n\n## Next\n\nA.\n", `heading "## Next"`},
		"not semver":     {"# Changelog\n\n## v1.2\n\nA.\n", `heading "## v1.2"`},
		"build metadata": {"# Changelog\n\n## v1.2.3+meta\n\nA.\n", `heading "## v1.2.3+meta"`},
		"leading zero":   {"# Changelog\n\n## v01.2.3\n\nA.\n", "v01.2.3 is not a semantic version"},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, "func F(int) {}\n", tc.src)
			_, _, err := f.release(false)
			require.ErrorIs(t, err, ErrChangelog)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseChangelog(t *testing.T) {
	entries, err := ParseChangelog("c", []byte("# C\n\n## Unreleased\n\n- soon\n\n## [v0.2.0] - 2026-12-02\n\nB.\n\n### Incompatible changes\n\n- x\n\n## v0.1.0\n\nA.\n"))
	require.NoError(t, err)
	require.Len(t, entries, 2)
	assert.Equal(t, "v0.2.0", entries[0].Version)
	assert.True(t, entries[0].HasIncompatibleSection())
	assert.False(t, entries[1].HasIncompatibleSection())
}

// repoRoot is the raceproof checkout above the test directory.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.work")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "tools", "release")); err == nil {
				return dir
			}
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "no raceproof checkout above the test directory")
		dir = parent
	}
}

// TestEveryLibraryModuleIsReleased: every module under modules/ is released,
// with a CHANGELOG and a README that opens with its go get line, the minimum
// Go version and the stability policy.
func TestEveryLibraryModuleIsReleased(t *testing.T) {
	root := repoRoot(t)
	dirs, err := LibraryModuleDirs(root)
	require.NoError(t, err)
	for _, dir := range dirs {
		assert.True(t, contains(Released, dir), "%s is not in Released", dir)
	}
	mods, err := ReleasedModules(root)
	require.NoError(t, err)
	for _, m := range mods {
		_, err := readChangelog(filepath.Join(root, m.Dir), m.Dir+"/CHANGELOG.md")
		assert.NoError(t, err)
		readme, err := os.ReadFile(filepath.Join(root, m.Dir, "README.md"))
		if os.IsNotExist(err) && readmeOwnedElsewhere[m.Dir] != "" {
			continue
		}
		require.NoError(t, err, "%s has no README.md", m.Dir)
		head := strings.Join(strings.SplitN(string(readme), "\n", 30)[:min(29, strings.Count(string(readme), "\n"))], "\n")
		assert.Contains(t, head, "go get "+m.Path+"@", "%s/README.md opens with its go get line", m.Dir)
		assert.Contains(t, head, "Go 1.25", "%s/README.md gives the minimum Go version", m.Dir)
		assert.Contains(t, head, "Stability", "%s/README.md gives the stability policy", m.Dir)
	}
}

// readmeOwnedElsewhere are released modules without a README of their own yet.
var readmeOwnedElsewhere = map[string]string{
	"modules/racecheck/leakcheck": "documented by its package doc and the racecheck README; its directory belongs to racecheck's owner",
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestCheckBumpRules(t *testing.T) {
	incompatible := APIDiff{Incompatible: []string{"package p: F: removed"}}
	compatible := APIDiff{Compatible: []string{"package p: G: added"}}
	section := Entry{Body: "### Incompatible changes\n\n- F"}
	for _, tc := range []struct {
		prev, next string
		diff       APIDiff
		entry      Entry
		ok         bool
	}{
		{"v1.0.0", "v1.0.1", APIDiff{}, Entry{}, true},
		{"v1.0.0", "v1.0.1", compatible, Entry{}, false},
		{"v1.0.0", "v1.1.0", compatible, Entry{}, true},
		{"v1.0.0", "v1.1.0", incompatible, section, false},
		{"v0.1.0", "v0.2.0", incompatible, section, true},
		{"v0.1.0", "v0.2.0", incompatible, Entry{}, false},
		{"v0.1.0", "v0.1.1", incompatible, section, false},
		{"v0.9.0", "v1.0.0", incompatible, Entry{}, true},
		{"v1.0.0", "v1.1.0-rc.1", compatible, Entry{}, true},
		{"v1.1.0-rc.1", "v1.1.0", APIDiff{}, Entry{}, true},
		{"v1.0.0", "v1.0.0", APIDiff{}, Entry{}, false},
	} {
		err := CheckBump(tc.prev, tc.next, tc.diff, tc.entry)
		if tc.ok {
			assert.NoError(t, err, "%s -> %s %+v", tc.prev, tc.next, tc.diff)
		} else {
			assert.ErrorIs(t, err, ErrBump, "%s -> %s %+v", tc.prev, tc.next, tc.diff)
		}
	}
}

// nestedFixture adds to f a module nested in lib that requires lib at
// version required, writes its go.sum as go tool mage tidy would, and
// commits.
func nestedFixture(t *testing.T, f *fixture, required string) Module {
	t.Helper()
	adapter := Module{Dir: "lib/adapter", Path: "example.com/lib/adapter"}
	f.write("lib/adapter/go.mod", "module example.com/lib/adapter\n\ngo 1.25.0\n\nrequire example.com/lib "+required+"\n")
	f.write("lib/adapter/adapter.go", "package adapter\n\nimport \"example.com/lib\"\n\nfunc G() { lib.F(1) }\n")
	f.write("lib/adapter/CHANGELOG.md", changelogV1)
	ws := runner.Workspace{Dir: f.root}
	for _, m := range []Module{f.mod, adapter} {
		ws.Modules = append(ws.Modules, runner.Module{Path: m.Path, Dir: filepath.Join(f.root, filepath.FromSlash(m.Dir))})
	}
	var out bytes.Buffer
	require.NoError(t, runner.Tidy(context.Background(), "go", ws, true, &out), "%s", &out)
	f.commit("adapter")
	return adapter
}

func (f *fixture) releaseWith(tag bool, mods ...Module) ([]Plan, string, error) {
	f.t.Helper()
	var out bytes.Buffer
	plans, err := Run(context.Background(), Options{
		Root: f.root, Tag: tag, Out: &out, Released: mods, Workspace: mods,
		ModuleChecks: map[string]func(string, string) error{},
	})
	return plans, out.String(), err
}

func TestNestedModuleReleasedWithTheVersionItRequires(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy on fixture modules")
	}
	f := newFixture(t, "func F(int) {}\n", changelogV1)
	adapter := nestedFixture(t, f, "v1.0.0")
	plans, out, err := f.releaseWith(true, f.mod, adapter)
	require.NoError(t, err, out)
	require.Len(t, plans, 2)
	assert.Contains(t, f.git("tag"), "lib/adapter/v1.0.0")
	assert.Contains(t, f.git("tag"), "lib/v1.0.0")
}

func TestNestedModuleRequiringAnUnreleasedVersionFails(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go mod tidy on fixture modules")
	}
	f := newFixture(t, "func F(int) {}\n", changelogV1)
	adapter := nestedFixture(t, f, "v1.1.0")
	_, out, err := f.releaseWith(true, f.mod, adapter)
	require.ErrorIs(t, err, ErrUnreleasedRequirement, out)
	assert.Contains(t, err.Error(), "release lib/adapter")
	assert.Contains(t, err.Error(), "example.com/lib v1.1.0 (no tag lib/v1.1.0; is being released at v1.0.0)")
	assert.Empty(t, f.git("tag"), "nothing is tagged when a check fails")
}
