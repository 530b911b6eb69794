package runner

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
)

// Package is one package of a module, with the test functions its test
// files declare.
type Package struct {
	ImportPath string
	// Name is the package clause's name.
	Name string
	// Dir is the package's absolute directory.
	Dir string
	// GoFiles, TestFiles and XTestFiles are the package's non-test, test
	// and external test (package Name_test) Go files, absolute, as the
	// build would compile them.
	GoFiles, TestFiles, XTestFiles []string
	// UsesLeakcheck says whether the test files import racecheck/leakcheck,
	// whose Run a TestMain calls to take part in leak detection.
	UsesLeakcheck bool
	// HasTestFiles says whether the package has _test.go files.
	HasTestFiles bool
	// Tests, Fuzz and Examples are the Test*, Fuzz* and Example*
	// functions of the package's test files, in file and source order;
	// TestMain is set when one is declared.
	Tests, Fuzz, Examples []Func
	TestMain              *Func
	// TestMainIsTest says the package declares func TestMain(*testing.T):
	// an ordinary test to go test, and a name racecheck's own TestMain
	// cannot take.
	TestMainIsTest bool
	// ListError is the go command's error loading the package, if any.
	ListError string
}

// Func is a test function and where it is declared.
type Func struct {
	Name string
	File string // absolute
	Line int
}

// leakcheckPath is the import path of the package a TestMain calls to take
// part in leak detection.
const leakcheckPath = "github.com/raceproof/raceproof/modules/racecheck/leakcheck"

// listPackages returns the packages of module m matched by the Packages
// patterns, with their files and test functions, sorted by import path, and
// the go command's error for each pattern that matched no directory in m.
// race lists the files a -race build compiles: those of the race build
// tag (a TestMain or a test in a `//go:build race` file), not those of
// !race.
func (r *run) listPackages(ctx context.Context, ws Workspace, m Module, race bool) ([]*Package, map[string]string, error) {
	args := []string{"list", "-e", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,TestGoFiles,XTestGoFiles,TestImports,XTestImports,Module,Error"}
	if race {
		args = append(args, "-race")
	}
	patterns := modulePatterns(r.cfg.Packages, m)
	if len(patterns) == 0 {
		return nil, nil, nil
	}
	args = append(args, patterns...)
	out, err := gocmd.Go(r.cfg.Go, m.Dir, ws.Env(), args...).Output(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("racecheck: listing the packages of %s: %w", m.Path, err)
	}
	var pkgs []*Package
	misses := map[string]string{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for dec.More() {
		var p struct {
			ImportPath, Name, Dir                        string
			GoFiles, CgoFiles, TestGoFiles, XTestGoFiles []string
			TestImports, XTestImports                    []string
			Module                                       *struct{ Path string }
			Error                                        *struct{ Err string }
		}
		if err := dec.Decode(&p); err != nil {
			return nil, nil, fmt.Errorf("racecheck: listing the packages of %s: %w", m.Path, err)
		}
		if p.Dir == "" {
			// A pattern that matched no directory: go list names the
			// entry after the pattern.
			if p.Error != nil {
				misses[p.ImportPath] = p.Error.Err
			}
			continue
		}
		if p.Module != nil && p.Module.Path != m.Path {
			// An import path pattern in a workspace matches the
			// packages of its other modules too: they are run with
			// their own module.
			continue
		}
		pkg := &Package{ImportPath: p.ImportPath, Name: p.Name, Dir: p.Dir, HasTestFiles: len(p.TestGoFiles)+len(p.XTestGoFiles) > 0,
			UsesLeakcheck: slices.Contains(append(p.TestImports, p.XTestImports...), leakcheckPath)}
		if p.Error != nil {
			pkg.ListError = p.Error.Err
		}
		for _, f := range append(p.GoFiles, p.CgoFiles...) {
			pkg.GoFiles = append(pkg.GoFiles, filepath.Join(p.Dir, f))
		}
		for _, f := range p.TestGoFiles {
			pkg.TestFiles = append(pkg.TestFiles, filepath.Join(p.Dir, f))
		}
		for _, f := range p.XTestGoFiles {
			pkg.XTestFiles = append(pkg.XTestFiles, filepath.Join(p.Dir, f))
		}
		for _, f := range append(pkg.TestFiles, pkg.XTestFiles...) {
			testFuncs(pkg, f)
		}
		pkgs = append(pkgs, pkg)
	}
	sort.Slice(pkgs, func(i, j int) bool { return pkgs[i].ImportPath < pkgs[j].ImportPath })
	return pkgs, misses, nil
}

// testFuncs adds the test functions declared in one test file, the way
// go test finds them: top-level functions named TestXxx, FuzzXxx taking a
// *testing.T or *testing.F, and TestMain. A file that does not parse adds
// nothing (the build step reports it).
func testFuncs(pkg *Package, file string) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
	if err != nil {
		return
	}
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil {
			continue
		}
		fn := Func{Name: fd.Name.Name, File: file, Line: fset.Position(fd.Pos()).Line}
		if fd.Type.Params.NumFields() == 0 && isTestName(fn.Name, "Example") {
			pkg.Examples = append(pkg.Examples, fn)
		}
		if fd.Type.Params.NumFields() != 1 {
			continue
		}
		arg := paramType(fd.Type.Params.List[0].Type)
		switch {
		case fn.Name == "TestMain" && arg == "M":
			pkg.TestMain = &fn
		case arg == "T" && isTestName(fn.Name, "Test"):
			pkg.Tests = append(pkg.Tests, fn)
			pkg.TestMainIsTest = pkg.TestMainIsTest || fn.Name == "TestMain"
		case arg == "F" && isTestName(fn.Name, "Fuzz"):
			pkg.Fuzz = append(pkg.Fuzz, fn)
		}
	}
}

// paramType returns "T" for a parameter of type *T or *x.T, and so on, ""
// for anything else. Like go test, which cannot know under which name a
// file imports testing (or whether it dot-imports it), it looks no further.
func paramType(e ast.Expr) string {
	star, ok := e.(*ast.StarExpr)
	if !ok {
		return ""
	}
	switch x := star.X.(type) {
	case *ast.Ident:
		return x.Name
	case *ast.SelectorExpr:
		return x.Sel.Name
	}
	return ""
}

// isTestName applies go test's rule: the prefix, then nothing or a
// character that is not a lower-case letter.
func isTestName(name, prefix string) bool {
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return false
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return rest == "" || !unicode.IsLower(r)
}

// decl returns the declaration of a top-level test or fuzz target by name.
func (p *Package) decl(name string) (Func, bool) {
	top, _, _ := strings.Cut(name, "/")
	for _, fs := range [][]Func{p.Tests, p.Fuzz, p.Examples} {
		for _, f := range fs {
			if f.Name == top {
				return f, true
			}
		}
	}
	if p.TestMain != nil && top == "TestMain" {
		return *p.TestMain, true
	}
	return Func{}, false
}

// rel is the package's directory relative to its module's, as a go
// command package argument: "." or "./sub/pkg".
func (p *Package) rel(m Module) string {
	r, err := filepath.Rel(m.Dir, p.Dir)
	if err != nil || r == "." {
		return "."
	}
	return "./" + filepath.ToSlash(r)
}
