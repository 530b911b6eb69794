package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"
	"golang.org/x/mod/module"
	modzip "golang.org/x/mod/zip"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
)

// Alone is the environment in which the go command works on one module of
// a workspace by itself (GOWORK=off), as a user who requires the module gets
// it.
//
// A module that requires another module of the same workspace — a nested
// module released with its parent, such as an adapter in a subdirectory —
// names a version of it that no module proxy may have yet (unless its
// go.mod replaces it, which then decides). For such a module, Alone serves
// every workspace module version it requires from a file-system proxy
// tried before GOPROXY: from the tag <dir>/<version> (the
// go command's tag for a module in subdirectory dir of its repository) when
// the repository has it, so a released version is what was released, and
// otherwise from the module's directory as it is on disk, which is what
// tagging this commit would release. Those versions are left out of the
// checksum database lookup (GONOSUMDB); the module's go.sum still pins them,
// so go mod tidy -diff fails when the sibling changed since go.sum was
// written. They are downloaded into a module cache of their own, which
// Close removes, so that a version served from disk never enters the
// user's module cache; everything else is read from the user's module cache
// first, then from GOPROXY.
//
// A clone without tags (a shallow CI checkout) serves released versions
// from disk too; fetch the tags (git fetch --tags) for a module whose
// sibling changed since its release.
type Alone struct {
	base     []string            // GOWORK=off on the current environment
	siblings map[string][]string // module directory → the environment of a module requiring siblings
	requires map[string][]string // module directory → the workspace module paths it requires
	tmp      string              // "" when no module requires a sibling
}

// NewAlone prepares the environments of ws's modules. Close removes what
// it wrote.
func NewAlone(ctx context.Context, goCmd string, ws Workspace) (*Alone, error) {
	a := &Alone{base: gocmd.Environ(nil, "GOWORK=off"), siblings: map[string][]string{}, requires: map[string][]string{}}
	inWorkspace := map[string]Module{}
	for _, m := range ws.Modules {
		inWorkspace[m.Path] = m
	}
	type served struct {
		m       Module
		version string
	}
	var serve []served
	needs := a.requires
	for _, m := range ws.Modules {
		data, err := os.ReadFile(filepath.Join(m.Dir, "go.mod"))
		if err != nil {
			return nil, fmt.Errorf("racecheck: %w", err)
		}
		f, err := modfile.Parse(filepath.Join(m.Dir, "go.mod"), data, nil)
		if err != nil {
			return nil, fmt.Errorf("racecheck: %w", err)
		}
		for _, r := range f.Require {
			sib, ok := inWorkspace[r.Mod.Path]
			if !ok || replaced(f, r.Mod) {
				continue
			}
			needs[m.Dir] = append(needs[m.Dir], sib.Path)
			s := served{sib, r.Mod.Version}
			if !slices.Contains(serve, s) {
				serve = append(serve, s)
			}
		}
	}
	if len(serve) == 0 {
		return a, nil
	}
	goenv, err := goEnv(ctx, goCmd, ws.Dir, a.base)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "racecheck-alone-")
	if err != nil {
		return nil, fmt.Errorf("racecheck: %w", err)
	}
	a.tmp = tmp
	proxy := filepath.Join(tmp, "proxy")
	for _, s := range serve {
		if err := WriteProxyVersion(ctx, proxy, s.m, s.version); err != nil {
			a.Close()
			return nil, err
		}
	}
	proxies := []string{fileURL(proxy), fileURL(filepath.Join(goenv.GOMODCACHE, "cache", "download"))}
	if goenv.GOPROXY != "" {
		proxies = append(proxies, goenv.GOPROXY)
	}
	for dir, paths := range needs {
		nosumdb := slices.Clone(paths)
		if goenv.GONOSUMDB != "" {
			nosumdb = append([]string{goenv.GONOSUMDB}, nosumdb...)
		}
		a.siblings[dir] = gocmd.Environ(a.base,
			"GOPROXY="+strings.Join(proxies, ","),
			"GONOSUMDB="+strings.Join(nosumdb, ","),
			"GOMODCACHE="+filepath.Join(tmp, "modcache"),
			"GOFLAGS="+strings.TrimSpace(goenv.GOFLAGS+" -modcacherw"),
		)
	}
	return a, nil
}

// replaced reports whether f replaces version v, in which case the go
// command never looks v up.
func replaced(f *modfile.File, v module.Version) bool {
	for _, r := range f.Replace {
		if r.Old.Path == v.Path && (r.Old.Version == "" || r.Old.Version == v.Version) {
			return true
		}
	}
	return false
}

// Env returns the environment for the go command in module m alone.
func (a *Alone) Env(m Module) []string {
	if env, ok := a.siblings[m.Dir]; ok {
		return env
	}
	return a.base
}

// Served reports whether m requires modules of its workspace, which Env's
// environment then serves as described on Alone.
func (a *Alone) Served(m Module) bool {
	_, ok := a.siblings[m.Dir]
	return ok
}

// forgetSiblingSums removes from m's go.sum the lines of the workspace
// modules m requires, so that go mod tidy records their current checksums.
func (a *Alone) forgetSiblingSums(m Module) error {
	paths := a.requires[m.Dir]
	if len(paths) == 0 {
		return nil
	}
	file := filepath.Join(m.Dir, "go.sum")
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	var kept []byte
	for line := range strings.Lines(string(data)) {
		if path, _, _ := strings.Cut(line, " "); !slices.Contains(paths, path) {
			kept = append(kept, line...)
		}
	}
	if err := os.WriteFile(file, kept, 0o644); err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	return nil
}

// Close removes the proxy and the module cache NewAlone made.
func (a *Alone) Close() error {
	if a.tmp == "" {
		return nil
	}
	return os.RemoveAll(a.tmp)
}

type goEnvironment struct {
	GOPROXY, GONOSUMDB, GOMODCACHE, GOFLAGS string
}

func goEnv(ctx context.Context, goCmd, dir string, env []string) (goEnvironment, error) {
	var e goEnvironment
	out, err := gocmd.Go(goCmd, dir, env, "env", "-json", "GOPROXY", "GONOSUMDB", "GOMODCACHE", "GOFLAGS").Output(ctx)
	if err != nil {
		return e, fmt.Errorf("racecheck: %w", err)
	}
	if err := json.Unmarshal(out, &e); err != nil {
		return e, fmt.Errorf("racecheck: go env: %w", err)
	}
	return e, nil
}

func fileURL(dir string) string {
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(dir)}).String()
}

// WriteProxyVersion adds version v of m to the file-system module proxy at
// dir (GOPROXY=file://dir): the list, .info, .mod and .zip files of the
// GOPROXY protocol, the zip made by golang.org/x/mod/zip as the public proxy
// makes it. The version comes from the tag <dir>/<version> of m's Git
// repository when it has one, otherwise from m's directory on disk.
func WriteProxyVersion(ctx context.Context, dir string, m Module, v string) error {
	mv := module.Version{Path: m.Path, Version: v}
	esc, err := module.EscapePath(m.Path)
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	escV, err := module.EscapeVersion(v)
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	var zip bytes.Buffer
	var gomod []byte
	when := time.Now().UTC()
	repo, sub, tag := tagOf(ctx, m, v)
	if tag != "" {
		if err := modzip.CreateFromVCS(&zip, mv, repo, tag, sub); err != nil {
			return fmt.Errorf("racecheck: %s@%s from tag %s: %w", m.Path, v, tag, err)
		}
		out, err := gitOutput(ctx, repo, "show", tag+":"+pathJoin(sub, "go.mod"))
		if err != nil {
			return err
		}
		gomod = out
		if out, err := gitOutput(ctx, repo, "log", "-1", "--format=%cI", tag); err == nil {
			if t, err := time.Parse(time.RFC3339, strings.TrimSpace(string(out))); err == nil {
				when = t.UTC()
			}
		}
	} else {
		if err := modzip.CreateFromDir(&zip, mv, m.Dir); err != nil {
			return fmt.Errorf("racecheck: %s@%s from %s: %w", m.Path, v, m.Dir, err)
		}
		if gomod, err = os.ReadFile(filepath.Join(m.Dir, "go.mod")); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
	}
	info, err := json.Marshal(struct {
		Version string
		Time    time.Time
	}{v, when})
	if err != nil {
		return err
	}
	vdir := filepath.Join(dir, filepath.FromSlash(esc), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	for name, data := range map[string][]byte{escV + ".zip": zip.Bytes(), escV + ".mod": gomod, escV + ".info": info} {
		if err := os.WriteFile(filepath.Join(vdir, name), data, 0o644); err != nil {
			return fmt.Errorf("racecheck: %w", err)
		}
	}
	list, err := os.OpenFile(filepath.Join(vdir, "list"), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("racecheck: %w", err)
	}
	_, err = fmt.Fprintln(list, v)
	if cerr := list.Close(); err == nil {
		err = cerr
	}
	return err
}

// tagOf returns the repository holding m, m's directory within it and the
// tag of version v, or tag "" when m is not in a Git repository or the
// repository has no such tag.
func tagOf(ctx context.Context, m Module, v string) (repo, sub, tag string) {
	out, err := gitOutput(ctx, m.Dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return "", "", ""
	}
	repo = strings.TrimSpace(string(out))
	rel, err := filepath.Rel(repo, m.Dir)
	if err != nil {
		return "", "", ""
	}
	// Compare resolved paths: the top level is reported with symlinks
	// resolved, m.Dir may not be.
	if resolved, err := filepath.EvalSymlinks(m.Dir); err == nil {
		if r, err := filepath.Rel(repo, resolved); err == nil {
			rel = r
		}
	}
	sub = filepath.ToSlash(rel)
	if sub == "." {
		sub = ""
	}
	tag = pathJoin(sub, v)
	if _, err := gitOutput(ctx, repo, "rev-parse", "-q", "--verify", "refs/tags/"+tag+"^{commit}"); err != nil {
		return repo, sub, ""
	}
	return repo, sub, tag
}

func pathJoin(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func gitOutput(ctx context.Context, dir string, args ...string) ([]byte, error) {
	inv := gocmd.Invocation{Path: "git", Args: args, Dir: dir}
	out, err := inv.Output(ctx)
	if err != nil {
		return nil, fmt.Errorf("racecheck: %w", err)
	}
	return out, nil
}
