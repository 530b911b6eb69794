// Package srcpath turns the absolute file paths that the go command, the
// race detector and panics print into report.Locations relative to a module
// root, and strips absolute directories from free text, so that no report
// depends on where the code was checked out.
package srcpath

import (
	"os"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"

	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Std is the Module of locations in the Go distribution's sources.
const Std = "std"

// Mapper knows the directories of the modules under test, the Go
// distribution and the module cache. The zero value maps nothing.
type Mapper struct {
	root       string
	modules    []mod // longest directory first
	goroot     string
	gomodcache string
	tmp        string
}

type mod struct{ path, dir string }

// New returns a Mapper. root is the directory racecheck runs in; modules
// maps module paths to their absolute directories; goroot and gomodcache
// are the go command's GOROOT and GOMODCACHE (either may be empty).
func New(root string, modules map[string]string, goroot, gomodcache string) *Mapper {
	m := &Mapper{root: clean(root), goroot: clean(goroot), gomodcache: clean(gomodcache), tmp: clean(os.TempDir())}
	for p, d := range modules {
		m.modules = append(m.modules, mod{p, clean(d)})
		// The go command prints directories as it found them, which may go
		// through a symbolic link (a macOS /tmp, a symlinked checkout).
		if r, err := filepath.EvalSymlinks(d); err == nil && clean(r) != clean(d) {
			m.modules = append(m.modules, mod{p, clean(r)})
		}
	}
	sort.Slice(m.modules, func(i, j int) bool {
		if len(m.modules[i].dir) != len(m.modules[j].dir) {
			return len(m.modules[i].dir) > len(m.modules[j].dir)
		}
		return m.modules[i].path < m.modules[j].path
	})
	return m
}

func clean(p string) string {
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}

// InjectedPrefix starts the name of every file racecheck adds to a
// package's build (the leak-detecting TestMain, the -stress yield): they
// exist in no module's tree, so no location points into one.
const InjectedPrefix = "zz_racecheck_"

// IsModule reports whether path is one of the modules under test.
func (m *Mapper) IsModule(path string) bool {
	for _, md := range m.modules {
		if md.path == path {
			return true
		}
	}
	return false
}

// Locate converts a file and line as printed by the runtime or the go
// command. Relative files are taken as relative to dir (the directory the
// go command ran in; "" when unknown).
func (m *Mapper) Locate(file string, line int, function, dir string) report.Location {
	l := report.Location{Line: line, Function: function}
	if file == "" || file == "?" {
		return l
	}
	if !filepath.IsAbs(file) {
		if dir == "" {
			l.File = filepath.ToSlash(filepath.Base(file))
			return l
		}
		file = filepath.Join(dir, file)
	}
	file = filepath.Clean(file)
	if strings.HasPrefix(filepath.Base(file), InjectedPrefix) {
		// racecheck's own file, in the build only: no module's source.
		l.File = filepath.Base(file)
		return l
	}
	for _, md := range m.modules {
		if rel, ok := within(md.dir, file); ok {
			l.Module, l.File = md.path, rel
			return l
		}
	}
	if rel, ok := within(filepath.Join(m.goroot, "src"), file); ok && m.goroot != "" {
		l.Module, l.File = Std, rel
		return l
	}
	if rel, ok := within(m.gomodcache, file); ok && m.gomodcache != "" {
		if path, version, rest, ok := cacheModule(rel); ok {
			l.Module, l.File = path+"@"+version, rest
			return l
		}
	}
	l.File = filepath.Base(file)
	return l
}

// within returns file relative to dir, with forward slashes, when file
// lies inside dir.
func within(dir, file string) (string, bool) {
	if dir == "" {
		return "", false
	}
	rel, err := filepath.Rel(dir, file)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

// cacheModule splits "github.com/!foo/bar@v1.2.3/x/y.go" into the module
// path, version and file.
func cacheModule(rel string) (path, version, rest string, ok bool) {
	parts := strings.Split(rel, "/")
	for i, p := range parts {
		at := strings.IndexByte(p, '@')
		if at < 0 {
			continue
		}
		escaped := strings.Join(append(parts[:i:i], p[:at]), "/")
		path, err := module.UnescapePath(escaped)
		if err != nil {
			return "", "", "", false
		}
		version, err := module.UnescapeVersion(p[at+1:])
		if err != nil {
			return "", "", "", false
		}
		return path, version, strings.Join(parts[i+1:], "/"), true
	}
	return "", "", "", false
}

// Text replaces the absolute directories in free text (test output,
// compiler messages, race reports): paths under the root become relative
// to it, and the Go distribution, the module cache and the temporary
// directory become $GOROOT, $GOMODCACHE and $TMPDIR.
func (m *Mapper) Text(s string) string {
	type repl struct{ dir, with string }
	var rs []repl
	if m.root != "" {
		rs = append(rs, repl{m.root + string(filepath.Separator), ""})
	}
	for _, md := range m.modules {
		if _, inside := within(m.root, md.dir); !inside {
			rs = append(rs, repl{md.dir + string(filepath.Separator), "$MODULE(" + md.path + ")/"})
		}
	}
	if m.goroot != "" {
		rs = append(rs, repl{m.goroot, "$GOROOT"})
	}
	if m.gomodcache != "" {
		rs = append(rs, repl{m.gomodcache, "$GOMODCACHE"})
	}
	if m.tmp != "" {
		rs = append(rs, repl{m.tmp, "$TMPDIR"})
	}
	sort.SliceStable(rs, func(i, j int) bool { return len(rs[i].dir) > len(rs[j].dir) })
	for _, r := range rs {
		s = strings.ReplaceAll(s, r.dir, r.with)
	}
	return s
}

// Rel returns path relative to the root with forward slashes, or "" when
// it lies outside the root.
func (m *Mapper) Rel(path string) string {
	if clean(path) == m.root {
		return "."
	}
	rel, ok := within(m.root, clean(path))
	if !ok {
		return ""
	}
	return rel
}

// Ranks of a location as the place a finding points at, best first: the
// code of a module under test, its tests, a dependency. The Go distribution
// and unknown files rank RankNone: a finding never points there.
const (
	RankModuleSource = iota
	RankModuleTest
	RankDependency
	RankNone
)

// Rank ranks a location (see RankModuleSource).
func (m *Mapper) Rank(l report.Location) int {
	switch {
	case m.IsModule(l.Module) && !strings.HasSuffix(l.File, "_test.go"):
		return RankModuleSource
	case m.IsModule(l.Module):
		return RankModuleTest
	case l.Module != "" && l.Module != Std:
		return RankDependency
	}
	return RankNone
}

// Primary returns the innermost frame of the best rank, and its rank;
// RankNone when no frame qualifies.
func (m *Mapper) Primary(frames []report.Location) (report.Location, int) {
	best, rank := report.Location{}, RankNone
	for _, l := range frames {
		if r := m.Rank(l); r < rank {
			best, rank = l, r
		}
	}
	return best, rank
}
