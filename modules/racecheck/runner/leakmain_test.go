package runner

import (
	"bytes"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
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
	ast.Inspect(f, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && rename[id.Name] != "" {
			id.Name = rename[id.Name]
		}
		return true
	})
	var b bytes.Buffer
	require.NoError(t, format.Node(&b, fset, f))
	out := b.String()
	// Drop the package comment that the filter kept, and say what it is.
	_, body, _ := bytes.Cut([]byte(out), []byte("package PACKAGE\n"))
	gen := "// Code generated from leakcheck.go by TestLeakMainIsLeakcheck; DO NOT EDIT.\n// racecheck adds it to test packages without a TestMain.\n\npackage PACKAGE\n" + string(body) + `
func TestMain(m *testing.M) {
	stop := racecheckWatchDeadlocks__()
	code := m.Run()
	stop()
	racecheckWriteProfile__()
	os.Exit(code)
}
`
	formatted, err := format.Source([]byte(gen))
	require.NoError(t, err)
	return formatted
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
