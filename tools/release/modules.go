package release

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"golang.org/x/mod/modfile"
)

// Released are the directories, relative to the repository root, of the
// modules this repository releases. Each has a CHANGELOG.md and a README.md
// whose first lines give its go get line, minimum Go version and stability
// policy.
var Released = []string{
	"modules/lockfree",
	"modules/racecheck",
	"modules/racecheck/leakcheck",
	"modules/racecheck/lincheck",
	"modules/safemap",
	"modules/shardcache",
	"modules/shardcache/prom",
}

// Module is a module of the repository.
type Module struct {
	Dir  string // relative to the repository root, slash-separated
	Path string // the module path of its go.mod
}

// Tag is the tag of version v of the module.
func (m Module) Tag(v string) string { return m.Dir + "/" + v }

// readModule reads the module path of root/dir/go.mod.
func readModule(root, dir string) (Module, error) {
	file := filepath.Join(root, filepath.FromSlash(dir), "go.mod")
	data, err := os.ReadFile(file)
	if err != nil {
		return Module{}, fmt.Errorf("release: %w", err)
	}
	path := modfile.ModulePath(data)
	if path == "" {
		return Module{}, fmt.Errorf("release: %s has no module line", file)
	}
	return Module{Dir: dir, Path: path}, nil
}

// ReleasedModules reads the go.mod of every Released module under root.
func ReleasedModules(root string) ([]Module, error) {
	var out []Module
	for _, dir := range Released {
		m, err := readModule(root, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// WorkspaceModules reads the modules that root/go.work uses, in its order.
func WorkspaceModules(root string) ([]Module, error) {
	file := filepath.Join(root, "go.work")
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	wf, err := modfile.ParseWork(file, data, nil)
	if err != nil {
		return nil, fmt.Errorf("release: %w", err)
	}
	var out []Module
	for _, u := range wf.Use {
		dir := filepath.ToSlash(filepath.Clean(u.Path))
		m, err := readModule(root, dir)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// LibraryModuleDirs lists every directory under root/modules that holds a
// go.mod, skipping testdata and hidden directories.
func LibraryModuleDirs(root string) ([]string, error) {
	var dirs []string
	base := filepath.Join(root, "modules")
	err := filepath.WalkDir(base, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || (d.Name()[0] == '.' && path != base)) {
			return filepath.SkipDir
		}
		if !d.IsDir() && d.Name() == "go.mod" {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			dirs = append(dirs, filepath.ToSlash(rel))
		}
		return nil
	})
	slices.Sort(dirs)
	return dirs, err
}
