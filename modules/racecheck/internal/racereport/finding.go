package racereport

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/srcpath"
	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// Finding turns a parsed race into a finding of kind race. module is the
// module whose test binary printed it and pkg that binary's package, the
// fallback when no frame names the package.
//
// The location is chosen from the two access stacks: the innermost frame in
// non-test source of a module under test, else in test source of one, else
// in a dependency; never the Go distribution. Between the two accesses the
// better class wins, then the write, then the smaller file and line, so the
// choice does not depend on which access the runtime printed first.
//
// The fingerprint is the pair of source lines that race: for each access its
// innermost frame outside the Go distribution, as module, module-relative
// file, line and function. It ignores goroutine ids, addresses, the order of
// the accesses and the callers, so one racing pair of lines is one finding,
// on every machine and in every checkout directory.
//
// The test is the first test, fuzz target, benchmark or example function
// found walking the access stacks, then the goroutine-creation stacks,
// innermost frame first.
func Finding(r Race, paths *srcpath.Mapper, module, pkg string) report.Finding {
	f := report.Finding{Kind: report.KindRace, Count: 1, Module: module, Package: pkg,
		Race: &report.Race{Text: paths.Text(r.Text), Accesses: []report.Access{}, Goroutines: []report.Goroutine{}}}
	locate := func(fr []stack.Frame) []report.Location {
		out := make([]report.Location, 0, len(fr))
		for _, x := range fr {
			out = append(out, paths.Locate(x.File, x.Line, x.Function, ""))
		}
		return out
	}
	type side struct {
		access report.Access
		pick   report.Location
		class  int
		site   report.Location
	}
	var sides []side
	for _, a := range r.Accesses {
		ra := report.Access{Op: a.Op, Atomic: a.Atomic, Previous: a.Previous, Goroutine: a.Goroutine, Frames: locate(a.Frames), StackLost: a.StackLost}
		f.Race.Accesses = append(f.Race.Accesses, ra)
		s := side{access: ra}
		s.pick, s.class = paths.Primary(ra.Frames)
		s.site = site(ra.Frames)
		sides = append(sides, s)
	}
	for _, g := range r.Goroutines {
		f.Race.Goroutines = append(f.Race.Goroutines, report.Goroutine{ID: g.ID, State: g.State, Frames: locate(g.Frames)})
	}

	best := slices.MinFunc(append([]side{{class: srcpath.RankNone + 1}}, sides...), func(a, b side) int {
		return cmp.Or(cmp.Compare(a.class, b.class), cmp.Compare(opRank(a.access.Op), opRank(b.access.Op)),
			cmp.Compare(a.pick.File, b.pick.File), cmp.Compare(a.pick.Line, b.pick.Line))
	})
	if best.class < srcpath.RankNone {
		f.Location = best.pick
	}

	keys := make([]string, 0, len(sides))
	var parts []string
	for _, s := range sides {
		keys = append(keys, s.site.Module+"|"+s.site.File+":"+fmt.Sprint(s.site.Line)+"|"+s.site.Function)
		kind := s.access.Op
		if s.access.Atomic {
			kind = "atomic " + kind
		}
		if s.access.Previous {
			kind = "previous " + kind
		}
		parts = append(parts, fmt.Sprintf("%s at %s in %s", kind, s.site, shortFunc(s.site.Function)))
		if s.site != f.Location {
			note := fmt.Sprintf("%s by goroutine %d in %s", kind, s.access.Goroutine, shortFunc(s.site.Function))
			f.Related = appendRelated(f.Related, s.site, note)
		}
	}
	slices.Sort(keys)
	f.Fingerprint = report.Hash(append([]string{string(report.KindRace)}, keys...)...)
	f.Message = "data race: " + strings.Join(parts, " vs ")
	for _, g := range f.Race.Goroutines {
		if l := site(g.Frames); l.File != "" {
			f.Related = appendRelated(f.Related, l, fmt.Sprintf("goroutine %d created here", g.ID))
		}
	}

	for _, fr := range append(framesOf(f.Race.Accesses), framesOfG(f.Race.Goroutines)...) {
		for _, l := range fr {
			if p, name := stack.Test(l.Function); name != "" {
				f.Test, f.Package = name, p
				f.Message += " [" + name + "]"
				return f
			}
		}
	}
	if p := stack.Package(f.Location.Function); p != "" && paths.IsModule(f.Location.Module) {
		f.Package = strings.TrimSuffix(p, "_test")
	}
	return f
}

func opRank(op string) int {
	if op == "write" {
		return 0
	}
	return 1
}

// site is the innermost frame outside the Go distribution, else the
// innermost frame.
func site(frames []report.Location) report.Location {
	for _, l := range frames {
		if l.Module != srcpath.Std && l.Module != "" {
			return l
		}
	}
	if len(frames) > 0 {
		return frames[0]
	}
	return report.Location{}
}

func appendRelated(rel []report.Location, l report.Location, note string) []report.Location {
	for _, r := range rel {
		if r.Module == l.Module && r.File == l.File && r.Line == l.Line {
			return rel
		}
	}
	l.Note = note
	return append(rel, l)
}

func framesOf(as []report.Access) [][]report.Location {
	out := make([][]report.Location, 0, len(as))
	for _, a := range as {
		out = append(out, a.Frames)
	}
	return out
}

func framesOfG(gs []report.Goroutine) [][]report.Location {
	out := make([][]report.Location, 0, len(gs))
	for _, g := range gs {
		out = append(out, g.Frames)
	}
	return out
}

// shortFunc drops the import path: "example.com/m/p.(*T).Run" gives
// "p.(*T).Run".
func shortFunc(fn string) string {
	if i := strings.LastIndexByte(fn, '/'); i >= 0 {
		return fn[i+1:]
	}
	return fn
}
