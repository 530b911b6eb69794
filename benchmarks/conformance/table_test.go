package conformance

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

const (
	outEnv    = "RACEPROOF_CORRECTNESS_OUT"
	budgetEnv = "RACEPROOF_CORRECTNESS_BUDGET"
)

// procs are the GOMAXPROCS values every cell runs at.
var procs = []int{1, 2, 4}

// cellBudget is the time one cell runs at one GOMAXPROCS value.
func cellBudget() time.Duration {
	if os.Getenv(outEnv) == "" {
		return 100 * time.Millisecond
	}
	if d, err := time.ParseDuration(os.Getenv(budgetEnv)); err == nil && d > 0 {
		return d
	}
	return time.Second
}

// minimizeOptions bound the minimisation of a violation: short in a plain
// test run; long when regenerating the table, with enough re-runs per
// candidate for violations that need a rare interleaving.
func minimizeOptions() (budget time.Duration, attempts int) {
	if os.Getenv(outEnv) == "" {
		return time.Second, 200
	}
	return time.Minute, 3000
}

// cell is the outcome of one operation family on one implementation.
type cell struct {
	group, family, impl string
	test                string // the test function that runs the cell
	keyOps              []string
	na                  string // why the family does not apply, or ""
	verdict             lincheck.Verdict
	rounds, unknown     int
	seed                uint64
	procs               int    // GOMAXPROCS of the failing run
	history             string // minimal failing history
	minOps, origOps     int
	documented          string // the implementation's documentation that allows the violation, or ""
	upstream            string // Markdown links to upstream reports of the behaviour, or ""
}

var opName = regexp.MustCompile(`\]\s+(\w+)\(`)

// historyOps lists the operations in a formatted history, in order of first
// appearance.
func historyOps(history string) []string {
	var ops []string
	for _, m := range opName.FindAllStringSubmatch(history, -1) {
		if !slices.Contains(ops, m[1]) {
			ops = append(ops, m[1])
		}
	}
	return ops
}

// involvesKeyOp reports whether the violation's history contains one of the
// operations its family exists to check. A family mixes in support
// operations (Store, Load, ...) to observe its key operation; a minimal
// history made of support operations alone is a violation of those, not of
// the family's key operation, which the run then left undecided.
func (c cell) involvesKeyOp() bool {
	for _, op := range historyOps(c.history) {
		if slices.Contains(c.keyOps, op) {
			return true
		}
	}
	return false
}

var results struct {
	sync.Mutex
	cells []cell
}

func record(c cell) {
	results.Lock()
	defer results.Unlock()
	results.cells = append(results.cells, c)
}

// strictness says what a violation means for an implementation. The same
// scheme applies to ours and to peers: a violation is "documented" when the
// implementation's own documentation says the family is not linearizable
// (quoted), and "not documented" otherwise. Only an undocumented violation in
// one of our implementations fails the test; peers are recorded, never failed.
type strictness struct {
	// ours marks raceproof's own implementations.
	ours bool
	// documented, if not empty, quotes the documentation that says the family
	// is not linearizable.
	documented string
	// upstream links upstream reports of the behaviour (peers), or "".
	upstream string
}

// runCell checks spec at each GOMAXPROCS value and records the outcome.
// keyOps are the operations the family exists to check (as histories name
// them); test is the test function, for the replay command.
func runCell[T, S, I, O any](t *testing.T, test, group, family, impl string, keyOps []string, st strictness, spec lincheck.Spec[T, S, I, O]) {
	t.Helper()
	c := cell{group: group, family: family, impl: impl, test: test, keyOps: keyOps, documented: st.documented, upstream: st.upstream}
	defer func() { record(c) }()
	minBudget, minAttempts := minimizeOptions()
	for _, p := range procs {
		prev := runtime.GOMAXPROCS(p)
		rep, err := lincheck.Run(spec, lincheck.Options{
			Rounds:           1 << 30,
			Budget:           cellBudget(),
			Perturb:          true,
			MinimizeBudget:   minBudget,
			MinimizeAttempts: minAttempts,
		})
		runtime.GOMAXPROCS(prev)
		if err != nil {
			t.Fatalf("GOMAXPROCS=%d: %v", p, err)
		}
		t.Logf("GOMAXPROCS=%d: %v", p, rep)
		c.rounds += rep.Rounds
		c.unknown += rep.Unknown
		c.seed = rep.Seed
		if f := rep.Failure; f != nil {
			c.verdict, c.procs = lincheck.Violation, p
			c.history = f.MinimalHistory.Format(spec.Model.DescribeOp)
			c.minOps, c.origOps = f.Minimal.Len(), f.Scenario.Len()
			lincheck.LogFailure(t, f)
			t.Logf("operations in the minimal history: %s; replay: %s", strings.Join(historyOps(c.history), ", "), c.replay())
			if st.ours && st.documented == "" {
				t.Errorf("%s %s is not linearizable (GOMAXPROCS=%d, seed %d)", impl, family, p, rep.Seed)
			}
			return
		}
	}
	if c.unknown > 0 {
		c.verdict = lincheck.Unknown
	}
}

// notApplicable records a family that an implementation does not offer.
func notApplicable(t *testing.T, group, family, impl, why string) {
	t.Helper()
	t.Logf("not applicable: %s", why)
	record(cell{group: group, family: family, impl: impl, na: why})
}

func TestMain(m *testing.M) {
	code := m.Run()
	if out := os.Getenv(outEnv); out != "" && code == 0 {
		if err := os.WriteFile(out, []byte(renderTable()), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

// groups orders the tables, families and implementations as the tests
// declare them.
var groups = []struct {
	name     string
	families []string
	impls    []string
	mappings map[string]string
}{
	{"Maps", mapFamilyNames(), mapImplNames(), mapMappings()},
	{"Counters", counterFamilyNames(), counterImplNames(), nil},
	{"Queues", queueFamilyNames(), queueImplNames(), map[string]string{
		"lockfree.UnboundedQueue": "Enqueue (fails only after Close, which the histories never call) and TryDequeue",
		"chan":                    "TryEnqueue and TryDequeue = select with a default case",
	}},
}

// subtestPattern is the -run pattern element matching a t.Run name exactly
// (t.Run replaces spaces with underscores).
func subtestPattern(name string) string {
	return "^" + regexp.QuoteMeta(strings.ReplaceAll(name, " ", "_")) + "$"
}

// replay is the command that reruns the cell's scenarios from its seed.
func (c cell) replay() string {
	return fmt.Sprintf("cd benchmarks && LINCHECK_SEED=%d go test -count=1 -v -run '%s/%s/%s' ./conformance/",
		c.seed, "^"+c.test+"$", subtestPattern(c.family), subtestPattern("impl="+c.impl))
}

// mark is the table text of a violation.
func (c cell) mark() string {
	doc := "not documented"
	if c.documented != "" {
		doc = "documented"
	}
	ops := strings.Join(historyOps(c.history), ", ")
	if !c.involvesKeyOp() {
		return fmt.Sprintf("undecided: a violation of %s (%s) came first, [history](#%s)", ops, doc, anchor(c))
	}
	return fmt.Sprintf("**violation** of %s (%s), [history](#%s)", ops, doc, anchor(c))
}

func anchor(c cell) string {
	r := strings.NewReplacer(" ", "-", ".", "", ",", "", "/", "", "(", "", ")", "", "±", "")
	return strings.ToLower(r.Replace(c.impl + "-" + c.family))
}

func renderTable() string {
	results.Lock()
	defer results.Unlock()
	find := func(group, family, impl string) (cell, bool) {
		i := slices.IndexFunc(results.cells, func(c cell) bool {
			return c.group == group && c.family == family && c.impl == impl
		})
		if i < 0 {
			return cell{}, false
		}
		return results.cells[i], true
	}
	var b strings.Builder
	fmt.Fprintf(&b, `# Correctness table

Generated by `+"`go tool mage correctness`"+` (the conformance suite in
`+"`benchmarks/conformance`"+`, checked with `+"`modules/racecheck/lincheck`"+`); do not edit by hand.
Each cell ran generated scenarios (2 sequential operations, 3 goroutines × 4 operations
released together, 2 sequential operations; keys {1, 2}, values {1, 2, 3}, distinct queue
elements) for %v at each of GOMAXPROCS %v, with schedule perturbation between operations, on
%s/%s with %s, and checked every history against a sequential model of the operations
with porcupine. A violation is a history no sequential execution explains: it is shown,
minimised, below the tables, so anyone can check it by hand. "linearizable" means no
violation was found in that many rounds: evidence, not proof. Finding a violation depends on
the interleavings a run happens to produce, so a regeneration may find one in a cell that
passed before, or miss one found before; a violation shown here is a real history.

How to read a violation cell. It names the operations that appear in the minimal failing
history, which are not always the family's own: a family mixes in support operations (Store,
Load, ...) to observe its key operation, and minimisation keeps only what is needed to fail.
When none of the family's key operations is left, the cell says "undecided": the run stopped
at a violation of the support operations, and says nothing about the key operation. Every
violation is then marked the same way for our implementations and for peers: "documented"
when the implementation's own documentation says that operation is not atomic (the quote is
under the history), "not documented" otherwise. Only an undocumented violation in one of our
types fails the suite.

Each history comes with the command that replays its scenarios: `+"`LINCHECK_SEED`"+` fixes the
generated operations (the seed is per run, shared by the three GOMAXPROCS values of the cell),
not the interleaving, which is up to the scheduler; a replay may need a few runs, or a larger
`+"`RACEPROOF_CORRECTNESS_BUDGET`"+` with `+"`RACEPROOF_CORRECTNESS_OUT`"+` set, to hit the
violation again.

`, cellBudget(), procs, runtime.GOOS, runtime.GOARCH, runtime.Version())
	var violations []cell
	for _, g := range groups {
		fmt.Fprintf(&b, "## %s\n\n| operation family |", g.name)
		for _, impl := range g.impls {
			fmt.Fprintf(&b, " `%s` |", impl)
		}
		b.WriteString("\n|---|")
		for range g.impls {
			b.WriteString("---|")
		}
		b.WriteString("\n")
		for _, fam := range g.families {
			fmt.Fprintf(&b, "| %s |", fam)
			for _, impl := range g.impls {
				c, ok := find(g.name, fam, impl)
				switch {
				case !ok:
					b.WriteString(" not run |")
				case c.na != "":
					fmt.Fprintf(&b, " n/a: %s |", c.na)
				case c.verdict == lincheck.Violation:
					fmt.Fprintf(&b, " %s |", c.mark())
					violations = append(violations, c)
				case c.verdict == lincheck.Unknown:
					fmt.Fprintf(&b, " unknown (%d of %d rounds undecided) |", c.unknown, c.rounds)
				default:
					fmt.Fprintf(&b, " linearizable (%d rounds) |", c.rounds)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
		for _, impl := range g.impls {
			if m := g.mappings[impl]; m != "" {
				fmt.Fprintf(&b, "- `%s`: %s.\n", impl, m)
			}
		}
		if len(g.mappings) > 0 {
			b.WriteString("\n")
		}
	}
	if len(violations) > 0 {
		b.WriteString("## Violations\n\nEach history lists, per phase, the goroutine (g0 runs the sequential parts), the\n" +
			"[call, return] interval on the shared logical clock, and the operation with its result.\n" +
			"Operations whose intervals overlap may take effect in either order; no order explains these.\n\n")
		for _, c := range violations {
			ops := strings.Join(historyOps(c.history), ", ")
			fmt.Fprintf(&b, "### %s: %s (found in the %s run)\n<a id=\"%s\"></a>\n\n", c.impl, ops, c.family, anchor(c))
			fmt.Fprintf(&b, "Found at GOMAXPROCS=%d (seed %d); minimised from %d to %d operations.", c.procs, c.seed, c.origOps, c.minOps)
			if !c.involvesKeyOp() {
				fmt.Fprintf(&b, " The history contains no %s, so it says nothing about %s.", strings.Join(c.keyOps, " or "), strings.Join(c.keyOps, " and "))
			}
			fmt.Fprintf(&b, "\n\n```\n%s```\n\n", c.history)
			if c.documented != "" {
				fmt.Fprintf(&b, "Documented: %s.\n\n", c.documented)
			} else {
				b.WriteString("Not documented: the implementation's documentation does not say this operation may behave so.\n\n")
			}
			if c.upstream != "" {
				fmt.Fprintf(&b, "Upstream: %s.\n\n", c.upstream)
			}
			fmt.Fprintf(&b, "Replay:\n\n```sh\n%s\n```\n\n", c.replay())
		}
	}
	return b.String()
}
