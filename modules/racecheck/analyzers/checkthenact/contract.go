package checkthenact

import (
	"go/ast"
	"go/types"
	"regexp"
	"strings"
)

// A documented promise of concurrent use. Whether two goroutines call a
// Start or a Close at once is seldom visible in the code, and on the
// projects measured most such methods were called once (docs/vet.md). A
// type whose doc comment says it is safe for concurrent use, or a method
// whose doc says it may be called from any goroutine, promises exactly
// that: a check-then-act in one of its methods breaks the promise whoever
// calls it. The promise counts as the evidence of concurrency that rules
// otherwise take from a net.Conn's contract or a go statement.

// concurrencyPromise matches the usual wordings of such a promise.
var concurrencyPromise = regexp.MustCompile(`(?i)\b(safe for (concurrent|simultaneous|parallel) use|safe to (use|call|be called) (concurrently|in parallel|simultaneously|from (multiple|several|many|any|other|different) goroutines)|(goroutine|thread|concurrency)[- ]safe|(may|can) be (called|used) (concurrently|in parallel|simultaneously|from (multiple|several|many|any|other|different) goroutines)|from any goroutine|by multiple goroutines)`)

// negation marks a sentence that denies the promise ("not safe for
// concurrent use", "must not be called concurrently").
var negation = regexp.MustCompile(`(?i)(\bnot\b|\bnever\b|n't\b|\bunsafe\b)`)

// promises returns the first sentence of doc that promises concurrent
// use, or "".
func promises(doc *ast.CommentGroup) string {
	if doc == nil {
		return ""
	}
	text := strings.Join(strings.Fields(doc.Text()), " ")
	for _, s := range strings.SplitAfter(text, ". ") {
		if concurrencyPromise.MatchString(s) && !negation.MatchString(s) {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

// concurrentDoc returns the sentence that promises f concurrent use: f's
// own doc comment, or its receiver type's; "" when there is none or f is
// no method.
func (c *checker) concurrentDoc(f *fn) string {
	if f.decl == nil || f.node != f.decl || f.decl.Recv == nil {
		return ""
	}
	if s := promises(f.decl.Doc); s != "" {
		return s
	}
	obj, ok := c.pass.TypesInfo.Defs[f.decl.Name].(*types.Func)
	if !ok {
		return ""
	}
	t := obj.Signature().Recv().Type()
	if p, isPtr := t.(*types.Pointer); isPtr {
		t = p.Elem()
	}
	named, ok := t.(*types.Named)
	if !ok {
		return ""
	}
	return promises(c.typeDoc(named.Obj()))
}

// typeDoc returns the doc comment of the package's declaration of tn: the
// type spec's own, or its declaration's when it declares that type alone.
func (c *checker) typeDoc(tn *types.TypeName) *ast.CommentGroup {
	if c.typeDocs == nil {
		c.typeDocs = map[*types.TypeName]*ast.CommentGroup{}
		for _, file := range c.pass.Files {
			for _, d := range file.Decls {
				gd, ok := d.(*ast.GenDecl)
				if !ok {
					continue
				}
				for _, spec := range gd.Specs {
					ts, ok := spec.(*ast.TypeSpec)
					if !ok {
						continue
					}
					doc := ts.Doc
					if doc == nil && len(gd.Specs) == 1 {
						doc = gd.Doc
					}
					if obj, ok := c.pass.TypesInfo.Defs[ts.Name].(*types.TypeName); ok && doc != nil {
						c.typeDocs[obj] = doc
					}
				}
			}
		}
	}
	return c.typeDocs[tn]
}

// quoteDoc quotes a doc sentence for a diagnostic, cut to a readable
// length.
func quoteDoc(s string) string {
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return `"` + s + `"`
}
