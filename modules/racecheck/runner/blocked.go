package runner

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/internal/srcpath"
	"github.com/raceproof/raceproof/modules/racecheck/internal/stack"
	"github.com/raceproof/raceproof/modules/racecheck/report"
)

// waitsOnPrimitive reports whether a wait reason is a concurrency
// primitive's: a channel, select, mutex, read-write mutex, wait group or
// condition variable (not sleep, I/O or the runtime's own waits).
func waitsOnPrimitive(state string) bool {
	switch strings.TrimSuffix(state, " (durable)") {
	case "chan send", "chan receive", "chan send (nil chan)", "chan receive (nil chan)", "select", "select (no cases)",
		"sync.Mutex.Lock", "sync.RWMutex.Lock", "sync.RWMutex.RLock", "sync.WaitGroup.Wait", "sync.Cond.Wait", "semacquire":
		return true
	}
	return false
}

// blockedOf describes one goroutine: what it waits on, where (its innermost
// frame in a module under test, else in a dependency), the test it belongs
// to (by its frames, then the go statement that started it, then the
// stacks of its ancestors), and where it was started.
func (c *classifier) blockedOf(g stack.Goroutine) report.Blocked {
	loc, _ := c.r.paths.Primary(c.locateAll(g.Frames))
	b := report.Blocked{State: g.State, Count: 1, WaitMinutes: int(g.Wait / time.Minute), Location: loc, Test: goroutineTest(g)}
	if g.CreatedBy.Function != "" {
		created := c.r.paths.Locate(g.CreatedBy.File, g.CreatedBy.Line, g.CreatedBy.Function, "")
		if c.r.paths.Rank(created) < srcpath.RankNone {
			b.CreatedAt = &created
		}
	}
	return b
}

// goroutineTest is the test a goroutine belongs to.
func goroutineTest(g stack.Goroutine) string {
	stacks := append([][]stack.Frame{g.Frames, {g.CreatedBy}}, g.Ancestors...)
	for _, s := range stacks {
		for _, f := range s {
			if _, name := stack.Test(f.Function); name != "" {
				return name
			}
		}
	}
	return ""
}

// runsTests reports whether g is the goroutine of testing.M.Run, which
// waits for each test in turn.
func runsTests(g stack.Goroutine) bool {
	return slices.ContainsFunc(g.Frames, func(f stack.Frame) bool { return f.Function == "testing.(*M).Run" })
}

// watchesDeadlocks reports whether g is leakcheck's deadlock watcher (or
// its copy in the TestMain racecheck adds).
func watchesDeadlocks(g stack.Goroutine) bool {
	return slices.ContainsFunc(g.Frames, func(f stack.Frame) bool {
		return strings.Contains(f.Function, "racecheckWatchDeadlocks__") || strings.HasPrefix(f.Function, leakcheckPath+".")
	})
}

// ownFrame finds the goroutine running the test itself and returns what it
// is doing and the frame of the test function (zero when not found).
func (c *classifier) ownFrame(gs []stack.Goroutine, test string) (string, report.Location) {
	for _, g := range gs {
		for _, f := range g.Frames {
			if _, name := stack.Test(f.Function); test != "" && name == topName(test) && strings.HasSuffix(f.Function, "."+name) {
				return g.State, c.r.paths.Locate(f.File, f.Line, f.Function, "")
			}
		}
	}
	return "", report.Location{}
}

func (c *classifier) locateAll(frames []stack.Frame) []report.Location {
	out := make([]report.Location, 0, len(frames))
	for _, f := range frames {
		out = append(out, c.r.paths.Locate(f.File, f.Line, f.Function, ""))
	}
	return out
}

// blocked groups the goroutines of a dump that wait on a concurrency
// primitive in the code under test by wait reason, place and test, and
// returns the groups (the named test's own goroutine's group first, then
// the largest) and where the test itself waits: the frame of the test
// function in its own goroutine (the zero Location when it does not wait
// on a primitive).
func (c *classifier) blocked(gs []stack.Goroutine, test string) ([]report.Blocked, report.Location) {
	type group struct {
		report.Blocked
		own bool
	}
	var groups []group
	var own report.Location
	for _, g := range gs {
		if !waitsOnPrimitive(g.State) || runsTests(g) || watchesDeadlocks(g) {
			continue
		}
		b := c.blockedOf(g)
		if c.r.paths.Rank(b.Location) >= srcpath.RankNone {
			continue // the testing package's own goroutines
		}
		isOwn := false
		for _, f := range g.Frames {
			if _, name := stack.Test(f.Function); test != "" && name == topName(test) && strings.HasSuffix(f.Function, "."+name) {
				own, isOwn = c.r.paths.Locate(f.File, f.Line, f.Function, ""), true
			}
		}
		i := slices.IndexFunc(groups, func(o group) bool {
			return o.State == b.State && o.Location == b.Location && o.Test == b.Test
		})
		if i < 0 {
			groups = append(groups, group{Blocked: b})
			i = len(groups) - 1
		} else {
			groups[i].Count++
			groups[i].WaitMinutes = max(groups[i].WaitMinutes, b.WaitMinutes)
		}
		groups[i].own = groups[i].own || isOwn
	}
	slices.SortStableFunc(groups, func(a, b group) int {
		if a.own != b.own {
			if a.own {
				return -1
			}
			return 1
		}
		return cmp.Compare(b.Count, a.Count)
	})
	out := make([]report.Blocked, len(groups))
	for i, g := range groups {
		out[i] = g.Blocked
	}
	return out, own
}
