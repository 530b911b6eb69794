package astq

import (
	"fmt"
	"go/token"
	"slices"
	"strings"

	"golang.org/x/tools/go/analysis"
)

// IgnoreDirective is the comment that silences a racecheck diagnostic on
// its own line or the line below it: "//racecheck:ignore" for every
// analyzer, or "//racecheck:ignore checkthenact,rangewrite -- reason" for
// some.
const IgnoreDirective = "//racecheck:ignore"

// Report reports d unless an ignore directive for pass's analyzer covers
// its line.
func Report(pass *analysis.Pass, d analysis.Diagnostic) {
	if Suppressed(pass, d.Pos) {
		return
	}
	pass.Report(d)
}

// Reportf is [Report] with a formatted message.
func Reportf(pass *analysis.Pass, pos token.Pos, format string, args ...any) {
	Report(pass, analysis.Diagnostic{Pos: pos, Message: fmt.Sprintf(format, args...)})
}

// Suppressed reports whether an ignore directive naming pass's analyzer
// (or naming none) is on pos's line or the line above it.
func Suppressed(pass *analysis.Pass, pos token.Pos) bool {
	p := pass.Fset.Position(pos)
	for _, f := range pass.Files {
		if pass.Fset.Position(f.Pos()).Filename != p.Filename {
			continue
		}
		for _, cg := range f.Comments {
			for _, c := range cg.List {
				line := pass.Fset.Position(c.Pos()).Line
				if line != p.Line && line != p.Line-1 || !strings.HasPrefix(c.Text, IgnoreDirective) {
					continue
				}
				rest := strings.TrimPrefix(c.Text, IgnoreDirective)
				if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
					continue
				}
				names := strings.Fields(strings.SplitN(rest, "--", 2)[0])
				if len(names) == 0 || slices.Contains(strings.Split(strings.Join(names, ","), ","), pass.Analyzer.Name) {
					return true
				}
			}
		}
	}
	return false
}
