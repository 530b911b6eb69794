package runner

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var updateLeakMain = os.Getenv("RACECHECK_UPDATE_LEAKMAIN") == "1"

// leakMainFrom generates the TestMain racecheck adds to test packages from
// leakcheck's source: the same functions, renamed so they cannot clash
// with the package's own identifiers, and a TestMain that calls them the way
// leakcheck.Run does.
func leakMainFrom(t *testing.T, src []byte) []byte {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "leakcheck.go", src, parser.ParseComments)
	require.NoError(t, err)
	rename := map[string]string{
		"ProfileEnv": "racecheckProfileEnv__", "DeadlockMarker": "racecheckDeadlockMarker__",
		"WriteProfile": "racecheckWriteProfile__", "WatchDeadlocks": "racecheckWatchDeadlocks__", "testLeaked": "racecheckTestLeaked__",
	}
	cmap := ast.NewCommentMap(fset, f, f.Comments)
	var decls []ast.Decl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && (fd.Name.Name == "Main" || fd.Name.Name == "Run") {
			continue
		}
		decls = append(decls, d)
	}
	f.Decls = decls
	f.Comments = cmap.Filter(f).Comments()
	f.Doc = nil
	f.Name.Name = "PACKAGE"
	// The imports get names of racecheck's own too: a package may declare
	// a package-level time or bytes, which an import of the same name in
	// another file of the package would clash with.
	imported := map[string]string{}
	for _, spec := range f.Imports {
		p, err := strconv.Unquote(spec.Path.Value)
		require.NoError(t, err)
		name := path.Base(p)
		imported[name] = importAlias(name)
		spec.Name = ast.NewIdent(imported[name])
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := n.X.(*ast.Ident); ok && id.Obj == nil && imported[id.Name] != "" {
				id.Name = imported[id.Name]
			}
		case *ast.Ident:
			if rename[n.Name] != "" {
				n.Name = rename[n.Name]
			}
		}
		return true
	})
	var b bytes.Buffer
	require.NoError(t, format.Node(&b, fset, f))
	out := b.String()
	// Drop the package comment that the filter kept, and say what it is.
	_, body, _ := bytes.Cut([]byte(out), []byte("package PACKAGE\n"))
	gen := "// Code generated from leakcheck.go by TestLeakMainIsLeakcheck; DO NOT EDIT.\n// racecheck adds it to test packages without a TestMain.\n\npackage PACKAGE\n" + string(body) + `
func TestMain(m *` + importAlias("testing") + `.M) {
	stop := racecheckWatchDeadlocks__()
	code := m.Run()
	stop()
	racecheckWriteProfile__()
	` + importAlias("os") + `.Exit(code)
}
`
	formatted, err := format.Source([]byte(gen))
	require.NoError(t, err)
	return formatted
}

// importAlias is the name the generated TestMain gives its import of a
// package named name.
func importAlias(name string) string {
	return "racecheck" + strings.ToUpper(name[:1]) + name[1:] + "__"
}

// TestLeakMainIsLeakcheck: the TestMain racecheck injects is generated from
// package leakcheck, so the two cannot drift (RACECHECK_UPDATE_LEAKMAIN=1
// regenerates it).
func TestLeakMainIsLeakcheck(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "leakcheck", "leakcheck.go"))
	require.NoError(t, err)
	want := leakMainFrom(t, src)
	if updateLeakMain {
		require.NoError(t, os.WriteFile("leakmain.go.txt", want, 0o644))
		return
	}
	assert.Equal(t, string(want), leakMain, "run: RACECHECK_UPDATE_LEAKMAIN=1 go test ./runner -run TestLeakMainIsLeakcheck")
	assert.Contains(t, leakMain, `"`+deadlockMarker, "the runner looks for leakcheck's marker")
}
