// Package vet implements `racecheck vet`: it loads Go packages, runs the
// racecheck analyzers over them, prints their diagnostics and, with -fix,
// applies their suggested fixes.
package vet

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"go/format"
	"go/token"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers"
	"github.com/raceproof/raceproof/modules/racecheck/analyzers/checkthenact"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

const usage = `usage: racecheck vet [flags] [packages]

Runs the racecheck analyzers (checkthenact, sharedpointer, rangewrite,
callbackreentry, readlockwrite) over the packages (default ".") and prints one line per
diagnostic: file:line:col: message [analyzer], or [analyzer/rule] for an
analyzer that names the rule of each finding (checkthenact).

Exit status: 0 no diagnostics, 1 diagnostics reported, 2 error.

Flags:
`

// Run runs `racecheck vet` with the command-line arguments args (without the
// program and subcommand names), writing diagnostics to stdout and errors to
// stderr, and returns the process exit code, racecheck's exit statuses
// (package report): [report.ExitClean] when no diagnostic remains (or -fix
// fixed every one), [report.ExitFindings] when at least one remains, and
// [report.ExitBroken] for bad flags, packages that do not load or
// type-check, or a fix that could not be written. Packages that load are
// analyzed even when others do not: their diagnostics are printed (and
// fixed, with -fix), the others and those importing them are named on
// stderr, and the exit status is still ExitBroken.
//
// Flags: -fix applies every suggested fix (diagnostics that were fixed no
// longer count); -C dir runs in dir; -tags list sets build tags; -test=false
// skips test files; -json prints the diagnostics as JSON in the format of
// go vet -json (with each diagnostic's rule as its "category"); -only a,b
// runs only the named analyzers; -skip r,s leaves out checkthenact's
// findings of the named rules (an unknown name is an error);
// -plainmaps makes checkthenact also report Go maps whose lock is released
// between the check and the write (experimental). The remaining
// arguments are package patterns such as ./... .
func Run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("racecheck vet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fix := fs.Bool("fix", false, "apply suggested fixes")
	dir := fs.String("C", "", "run in `dir`")
	tags := fs.String("tags", "", "comma-separated list of build `tags`")
	tests := fs.Bool("test", true, "also analyze test files")
	jsonOut := fs.Bool("json", false, "print diagnostics as JSON")
	only := fs.String("only", "", "comma-separated `analyzers` to run (default all)")
	plainMaps := fs.Bool("plainmaps", false, "checkthenact: also report Go maps whose lock is released between check and write (experimental)")
	skip := fs.String("skip", "", "checkthenact: comma-separated `rules` not to report (the name after \"checkthenact/\" in a diagnostic)")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return report.ExitClean
		}
		return report.ExitBroken
	}
	if err := checkthenact.Analyzer.Flags.Set("plainmaps", strconv.FormatBool(*plainMaps)); err != nil {
		fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
		return report.ExitBroken
	}
	if err := checkthenact.Analyzer.Flags.Set("skip", *skip); err != nil {
		fmt.Fprintf(stderr, "racecheck vet: -skip: %v\n", err)
		return report.ExitBroken
	}
	selected, err := selectAnalyzers(*only)
	if err != nil {
		fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
		return report.ExitBroken
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	cfg := &packages.Config{
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedImports |
			packages.NeedTypes | packages.NeedTypesSizes | packages.NeedSyntax | packages.NeedTypesInfo | packages.NeedModule,
		Dir:   *dir,
		Tests: *tests,
	}
	if *tags != "" {
		cfg.BuildFlags = []string{"-tags=" + *tags}
	}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
		return report.ExitBroken
	}
	pkgs, skipped, loadFailed := loadable(pkgs, stderr)
	if len(skipped) > 0 {
		fmt.Fprintf(stderr, "racecheck vet: not analyzed: %s\n", strings.Join(skipped, ", "))
	}
	graph, err := checker.Analyze(selected, pkgs, nil)
	if err != nil {
		fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
		return report.ExitBroken
	}
	diags, failed := collect(graph, stderr)
	if failed {
		return report.ExitBroken
	}
	if *jsonOut {
		if err := writeJSON(stdout, diags); err != nil {
			fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
			return report.ExitBroken
		}
	}
	base := *dir
	if base == "" {
		base, _ = os.Getwd()
	}
	remaining := diags
	if *fix {
		fixed, err := applyFixes(diags)
		if err != nil {
			fmt.Fprintf(stderr, "racecheck vet: %v\n", err)
			return report.ExitBroken
		}
		remaining = nil
		for _, d := range diags {
			if fixed[d] {
				if !*jsonOut {
					fmt.Fprintf(stdout, "%s: fixed: %s [%s]\n", relPos(base, d.posn), d.message, d.source())
				}
				continue
			}
			remaining = append(remaining, d)
		}
	}
	if !*jsonOut {
		for _, d := range remaining {
			fmt.Fprintf(stdout, "%s: %s [%s]\n", relPos(base, d.posn), d.message, d.source())
		}
	}
	switch {
	case loadFailed:
		return report.ExitBroken // incomplete, whatever was found
	case len(remaining) > 0:
		return report.ExitFindings
	}
	return report.ExitClean
}

// loadable prints the errors of the packages that did not load or
// type-check and returns the others: those with no error in themselves or
// in anything they import. skipped lists the import paths of the packages
// left out, sorted, once for a package and its test variant; failed
// reports whether any error was printed. A broken package does not stop
// the rest from being analyzed, as with go vet; the run still ends in
// ExitBroken.
func loadable(pkgs []*packages.Package, stderr io.Writer) (ok []*packages.Package, skipped []string, failed bool) {
	broken := map[*packages.Package]bool{}
	printed := map[string]bool{} // a package and its test variant share errors
	var visit func(p *packages.Package) bool
	visit = func(p *packages.Package) bool {
		if b, done := broken[p]; done {
			return b
		}
		broken[p] = false // an import cycle is itself an error of p
		b := len(p.Errors) > 0
		for _, e := range p.Errors {
			if msg := e.Error(); !printed[msg] {
				printed[msg] = true
				fmt.Fprintln(stderr, msg)
			}
		}
		for _, imp := range p.Imports {
			b = visit(imp) || b
		}
		broken[p] = b
		return b
	}
	for _, p := range pkgs {
		switch {
		case !visit(p):
			ok = append(ok, p)
		case !strings.HasSuffix(p.ID, ".test"): // not go test's generated main
			skipped = append(skipped, p.PkgPath) // a test variant by its package's path
		}
	}
	slices.Sort(skipped)
	return ok, slices.Compact(skipped), len(printed) > 0
}

// selectAnalyzers returns the analyzers named in the comma-separated list, or
// all of them for an empty list.
func selectAnalyzers(list string) ([]*analysis.Analyzer, error) {
	if list == "" {
		return analyzers.All, nil
	}
	var out []*analysis.Analyzer
	for name := range strings.SplitSeq(list, ",") {
		i := slices.IndexFunc(analyzers.All, func(a *analysis.Analyzer) bool { return a.Name == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("-only: unknown analyzer %q", name)
		}
		out = append(out, analyzers.All[i])
	}
	return out, nil
}

// diag is one diagnostic, deduplicated across the package variants that
// share a file (a package and its test variant).
type diag struct {
	pkg      string // the ID of the package variant it is attributed to
	posn     token.Position
	end      token.Position
	analyzer string
	category string // the analyzer's rule, if it names one
	message  string
	fixMsg   string
	fix      []edit
	related  []related
}

// source names what reported d: its analyzer, and the rule after a slash
// when the analyzer names one.
func (d *diag) source() string {
	if d.category == "" {
		return d.analyzer
	}
	return d.analyzer + "/" + d.category
}

// related is a secondary position of a diagnostic.
type related struct {
	posn, end token.Position
	message   string
}

// edit is a suggested text edit in file byte offsets.
type edit struct {
	file       string
	start, end int
	text       string
}

// collect gathers the diagnostics of every root action, sorted by position,
// and reports analyzer failures to stderr.
func collect(graph *checker.Graph, stderr io.Writer) ([]*diag, bool) {
	seen := map[string]*diag{}
	failed := false
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		if act.Err != nil {
			fmt.Fprintf(stderr, "racecheck vet: %s: %v\n", act, act.Err)
			failed = true
			continue
		}
		fset := act.Package.Fset
		for _, d := range act.Diagnostics {
			nd := &diag{pkg: act.Package.ID, posn: fset.Position(d.Pos), end: fset.Position(d.End), analyzer: act.Analyzer.Name, category: d.Category, message: d.Message}
			for _, r := range d.Related {
				nd.related = append(nd.related, related{posn: fset.Position(r.Pos), end: fset.Position(r.End), message: r.Message})
			}
			if len(d.SuggestedFixes) > 0 {
				nd.fixMsg = d.SuggestedFixes[0].Message
				for _, te := range d.SuggestedFixes[0].TextEdits {
					start, end := fset.Position(te.Pos), fset.Position(te.End)
					if te.End == token.NoPos {
						end = start
					}
					nd.fix = append(nd.fix, edit{file: start.Filename, start: start.Offset, end: end.Offset, text: string(te.NewText)})
				}
			}
			k := fmt.Sprintf("%s|%s|%s", nd.posn, nd.analyzer, nd.message)
			if old, dup := seen[k]; !dup || preferredID(nd.pkg, old.pkg) {
				seen[k] = nd
			}
		}
	}
	out := make([]*diag, 0, len(seen))
	for _, d := range seen {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i].posn, out[j].posn
		if a.Filename != b.Filename {
			return a.Filename < b.Filename
		}
		if a.Offset != b.Offset {
			return a.Offset < b.Offset
		}
		return out[i].analyzer < out[j].analyzer
	})
	return out, failed
}

// preferredID reports whether package ID a should own a diagnostic found
// in both a and b: the plain package over its test variants ("p [p.test]"),
// then the shorter, then the smaller ID, so the choice is deterministic.
func preferredID(a, b string) bool {
	va, vb := strings.Contains(a, " ["), strings.Contains(b, " [")
	if va != vb {
		return !va
	}
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	return a < b
}

// applyFixes applies the first suggested fix of each diagnostic, skipping a
// fix that overlaps one already accepted, gofmt-formats each edited file and
// writes it back. It returns the diagnostics whose fix was applied.
func applyFixes(diags []*diag) (map[*diag]bool, error) {
	byFile := map[string][]edit{}
	accepted := map[*diag]bool{}
	for _, d := range diags {
		if len(d.fix) == 0 || overlaps(byFile, d.fix) {
			continue
		}
		for _, e := range d.fix {
			byFile[e.file] = append(byFile[e.file], e)
		}
		accepted[d] = true
	}
	files := make([]string, 0, len(byFile))
	for f := range byFile {
		files = append(files, f)
	}
	sort.Strings(files)
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("applying fixes: %w", err)
		}
		edits := byFile[name]
		sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
		out := src
		for _, e := range edits {
			if e.start < 0 || e.end > len(out) || e.start > e.end {
				return nil, fmt.Errorf("applying fixes to %s: edit [%d,%d) out of range", name, e.start, e.end)
			}
			out = slices.Concat(out[:e.start:e.start], []byte(e.text), out[e.end:])
		}
		formatted, err := format.Source(out)
		if err != nil {
			return nil, fmt.Errorf("applying fixes to %s: result does not parse: %w", name, err)
		}
		info, err := os.Stat(name)
		if err != nil {
			return nil, fmt.Errorf("applying fixes: %w", err)
		}
		if !bytes.Equal(formatted, src) {
			if err := os.WriteFile(name, formatted, info.Mode().Perm()); err != nil {
				return nil, fmt.Errorf("applying fixes: %w", err)
			}
		}
	}
	return accepted, nil
}

// overlaps reports whether any of edits intersects an edit already accepted
// for the same file. Identical edits (the same fix reported twice) count as
// overlapping, so each is applied once.
func overlaps(byFile map[string][]edit, edits []edit) bool {
	for _, e := range edits {
		for _, o := range byFile[e.file] {
			if e.start < o.end && o.start < e.end || e.start == o.start && e.end == o.end {
				return true
			}
		}
	}
	return false
}

// relPos prints a position with its file name relative to base when it is
// below base.
func relPos(base string, p token.Position) string {
	if rel, err := filepath.Rel(base, p.Filename); err == nil && !strings.HasPrefix(rel, "..") {
		p.Filename = rel
	}
	return p.String()
}
