package release

import (
	"context"
	"fmt"
	"go/types"
	"os"
	"slices"
	"strings"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// CompareAPI computes the API change of a module from its source in oldDir
// to its source in newDir. It compares every package
// except main packages and those under an internal directory, each module
// loaded on its own (GOWORK=off); a package added or removed is a change too.
func CompareAPI(ctx context.Context, oldDir, newDir string) (APIDiff, error) {
	oldPkgs, err := loadAPI(ctx, oldDir)
	if err != nil {
		return APIDiff{}, err
	}
	newPkgs, err := loadAPI(ctx, newDir)
	if err != nil {
		return APIDiff{}, err
	}
	var d APIDiff
	add := func(c apidiff.Change, pkg string) {
		line := "package " + pkg + ": " + c.Message
		if c.Compatible {
			d.Compatible = append(d.Compatible, line)
		} else {
			d.Incompatible = append(d.Incompatible, line)
		}
	}
	for _, path := range sortedKeys(oldPkgs) {
		np, ok := newPkgs[path]
		if !ok {
			add(apidiff.Change{Message: "removed", Compatible: false}, path)
			continue
		}
		for _, c := range apidiff.Changes(oldPkgs[path], np).Changes {
			add(c, path)
		}
	}
	for _, path := range sortedKeys(newPkgs) {
		if _, ok := oldPkgs[path]; !ok {
			add(apidiff.Change{Message: "added", Compatible: true}, path)
		}
	}
	return d, nil
}

// loadAPI type-checks the public packages of the module in dir.
func loadAPI(ctx context.Context, dir string) (map[string]*types.Package, error) {
	cfg := &packages.Config{
		Context: ctx,
		Mode:    packages.NeedName | packages.NeedTypes,
		Dir:     dir,
		Env:     append(os.Environ(), "GOWORK=off"),
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		return nil, fmt.Errorf("release: loading the packages in %s: %w", dir, err)
	}
	out := map[string]*types.Package{}
	var errs []string
	for _, p := range pkgs {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
		if p.Name == "main" || isInternal(p.PkgPath) || p.Types == nil {
			continue
		}
		out[p.PkgPath] = p.Types
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("release: the packages in %s do not type-check:\n  %s", dir, strings.Join(errs, "\n  "))
	}
	return out, nil
}

func isInternal(path string) bool {
	return strings.HasSuffix(path, "/internal") || strings.Contains(path, "/internal/")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
