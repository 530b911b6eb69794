package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
	"github.com/raceproof/raceproof/modules/racecheck/internal/perturb"
)

// moduleGraph is what -stress needs to know of the packages a module's
// test binaries compile.
type moduleGraph struct {
	// deps are the packages of the module that the listed packages' tests
	// import, directly or not, and that are not listed themselves: the
	// binaries are built from them too, so a perturbed build instruments
	// them (a -stress-seed rerun narrowed to one package still runs its
	// dependencies perturbed).
	deps []*Package
	// concurrent holds the listed packages whose tests reach concurrency:
	// their own files, a package of the module they import (directly or
	// not), or a package of concurrentImports.
	concurrent map[string]bool
}

// concurrentImports are packages outside the module whose API runs the
// caller's code on goroutines of their own, so a package that uses only
// them still has schedules to vary: an HTTP handler a test serves, an
// errgroup's functions.
var concurrentImports = []string{
	"net/http", "net/http/httptest", "os/signal",
	"golang.org/x/sync/errgroup", "golang.org/x/sync/semaphore", "golang.org/x/sync/singleflight",
}

// graph lists, once per module, the packages the listed ones' test
// binaries are built from (go list -deps -test) and works out mp's
// moduleGraph.
func (r *run) graph(ctx context.Context, mp *modulePackages) (*moduleGraph, error) {
	if mp.graph != nil {
		return mp.graph, nil
	}
	args := []string{"list", "-e", "-deps", "-test", "-race", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Imports,Module"}
	for _, p := range mp.pkgs {
		args = append(args, p.ImportPath)
	}
	out, err := gocmd.Go(r.cfg.Go, mp.m.Dir, mp.ws.Env(), args...).Output(ctx)
	if err != nil {
		return nil, fmt.Errorf("racecheck: listing the dependencies of %s: %w", mp.m.Path, err)
	}
	type node struct {
		pkg     *Package
		imports []string
	}
	nodes := map[string]*node{} // the module's packages, test variants merged
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath, Name, Dir      string
			GoFiles, CgoFiles, Imports []string
			Module                     *struct{ Path string }
		}
		if err := dec.Decode(&p); err != nil {
			return nil, fmt.Errorf("racecheck: listing the dependencies of %s: %w", mp.m.Path, err)
		}
		if p.Module == nil || p.Module.Path != mp.m.Path || p.Dir == "" || strings.HasSuffix(p.ImportPath, ".test") {
			continue
		}
		// A test variant, "p [p.test]", imports what p's tests import;
		// "p_test [p.test]" is p's external test package.
		path := strings.TrimSuffix(variantBase(p.ImportPath), "_test")
		n := nodes[path]
		if n == nil {
			n = &node{pkg: &Package{ImportPath: path, Name: p.Name, Dir: p.Dir}}
			for _, f := range append(p.GoFiles, p.CgoFiles...) {
				n.pkg.GoFiles = append(n.pkg.GoFiles, filepath.Join(p.Dir, f))
			}
			nodes[path] = n
		}
		for _, imp := range p.Imports {
			n.imports = append(n.imports, variantBase(imp))
		}
	}
	g := &moduleGraph{concurrent: map[string]bool{}}
	listed := map[string]*Package{}
	for _, p := range mp.pkgs {
		listed[p.ImportPath] = p
	}
	for path, n := range nodes {
		if listed[path] == nil && !strings.HasSuffix(n.pkg.Name, "_test") {
			g.deps = append(g.deps, n.pkg)
		}
	}
	slices.SortFunc(g.deps, func(a, b *Package) int { return strings.Compare(a.ImportPath, b.ImportPath) })

	// reaches: whether a package's files, or those of a package of the
	// module it imports, use concurrency.
	memo := map[string]bool{}
	var reaches func(path string) bool
	reaches = func(path string) bool {
		if v, seen := memo[path]; seen {
			return v
		}
		memo[path] = false // an import cycle through tests ends here
		n := nodes[path]
		if n == nil {
			return false
		}
		files := n.pkg.GoFiles
		if p := listed[path]; p != nil {
			files = slices.Concat(p.GoFiles, p.TestFiles, p.XTestFiles)
		}
		v := filesUseConcurrency(files)
		for _, imp := range n.imports {
			if v {
				break
			}
			v = slices.Contains(concurrentImports, imp) || imp != path && reaches(imp)
		}
		memo[path] = v
		return v
	}
	for _, p := range mp.pkgs {
		if reaches(p.ImportPath) {
			g.concurrent[p.ImportPath] = true
		}
	}
	mp.graph = g
	return g, nil
}

// variantBase is the import path of a package without the test binary a
// variant of it was compiled for: "q [p.test]" gives "q".
func variantBase(path string) string {
	base, _, _ := strings.Cut(path, " [")
	return base
}

// filesUseConcurrency reports whether any of the files starts goroutines,
// uses channels or select, or imports sync or sync/atomic.
func filesUseConcurrency(files []string) bool {
	for _, f := range files {
		if src, err := os.ReadFile(f); err == nil && perturb.UsesConcurrency(src) {
			return true
		}
	}
	return false
}
