package runner

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidConfig is wrapped by every error about a bad option.
var ErrInvalidConfig = errors.New("invalid racecheck configuration")

// Config says what Run does. Start from DefaultConfig; set fields directly
// or through Options (flags, environment variables), then call Validate.
type Config struct {
	// Dirs are module roots or workspace roots (default ".").
	Dirs []string
	// Root is the directory report paths and rerun commands are relative to
	// (default: the current directory).
	Root string
	// Packages are the package patterns tested in each module, relative to
	// the module's directory (default "./...").
	Packages []string
	// Race runs every module's tests (under the race detector).
	Race bool
	// Fuzz runs every fuzz target, one at a time.
	Fuzz bool
	// CPU is go test's -cpu list, e.g. "1,2,4" (empty: GOMAXPROCS).
	CPU string
	// Count is go test's -count.
	Count int
	// Shuffle is go test's -shuffle: "off" (declaration order, as go test
	// runs them), "on" (racecheck picks the seed and records it) or a seed.
	Shuffle string
	// Run and Skip are go test's -run and -skip for the tests.
	Run, Skip string
	// Timeout is each test binary's timeout (go test's -timeout; default
	// 10m like go test; 0 disables it).
	Timeout time.Duration
	// TestTimeout stops a single test that runs longer (0: no limit beyond
	// Timeout) and reports it as a hang with every goroutine's stack.
	TestTimeout time.Duration
	// Leaks reports goroutines that tests leave blocked forever (Go 1.26:
	// the goroutineleak profile).
	Leaks bool
	// Stress re-runs, after the normal run, the tests of each package whose
	// tests reach concurrency for this long (0: no stress), varying GOMAXPROCS,
	// shuffle seeds and the schedule.
	Stress time.Duration
	// StressSeed replays one stress run with this schedule perturbation seed
	// instead of the normal run (what a stress finding's rerun command sets).
	StressSeed uint64
	// FuzzMatch selects fuzz targets by name (unanchored regexp).
	FuzzMatch string
	// FuzzTime is the fuzzing time per target.
	FuzzTime FuzzTime
	// FuzzBudget caps the total fuzzing time; each target gets at most an
	// equal share of what is left when it starts (0: no cap). Building the
	// fuzz binaries is not charged to it.
	FuzzBudget time.Duration
	// FuzzWorkers is the number of fuzzing worker processes (0: GOMAXPROCS).
	FuzzWorkers int
	// FuzzRace fuzzes under the race detector.
	FuzzRace bool
	// FuzzMinExecs is the number of executions below which a target that
	// did not fail is reported incomplete rather than ok; a -fuzztime of N
	// executions lowers it to N.
	FuzzMinExecs int64
	// FuzzMinimize lets the fuzzing engine minimise a failing input.
	FuzzMinimize bool
	// Shard selects a deterministic subset of the fuzz targets.
	Shard Shard
	// Outputs are the report files to write.
	Outputs Outputs
	// Progress receives human-readable progress (nil: discarded).
	Progress io.Writer
	// Go is the go command (default "go").
	Go string
	// Version is recorded in the report's tool section.
	Version string
}

// DefaultConfig returns the configuration of "racecheck run" without flags:
// race tests and fuzzing of every module under ".", -count 1, in
// declaration order (as go test runs them, so every failure go test sees
// is seen), 10s per fuzz target under the race detector, and
// GitHub annotations when GITHUB_ACTIONS is "true".
func DefaultConfig() Config {
	return Config{
		Dirs:         []string{"."},
		Packages:     []string{"./..."},
		Race:         true,
		Fuzz:         true,
		Count:        1,
		Shuffle:      "off",
		Timeout:      10 * time.Minute,
		Leaks:        true,
		FuzzTime:     FuzzTime{Duration: 10 * time.Second},
		FuzzRace:     true,
		FuzzMinExecs: 100,
		FuzzMinimize: true,
		Shard:        Shard{Index: 1, Total: 1},
		Outputs:      Outputs{GitHub: os.Getenv("GITHUB_ACTIONS") == "true"},
		Go:           "go",
		Version:      "devel",
	}
}

// Option is one setting of racecheck, as a command-line flag and an
// environment variable of the mage targets. The table returned by Options
// drives the racecheck run flags, the mage targets and the documentation.
type Option struct {
	// Flag is the racecheck run flag name, without the dash.
	Flag string
	// Env is the environment variable the mage targets read.
	Env string
	// EnvAlias is an older name of Env, still read.
	EnvAlias string
	// Default is the default as documented.
	Default string
	// Usage says what the option does.
	Usage string
	// Bool marks an on/off option (a flag that may be given without value).
	Bool bool
	set  func(c *Config, v string) error
}

// Set parses v and stores it in c. The error names the option.
func (o Option) Set(c *Config, v string) error {
	if err := o.set(c, v); err != nil {
		return fmt.Errorf("racecheck: -%s %q: %w", o.Flag, v, err)
	}
	return nil
}

// Options returns the table of racecheck's settings, in documentation order.
func Options() []Option {
	return []Option{
		{Flag: "race", Env: "RACECHECK_RACE", Default: "true", Bool: true,
			Usage: "run every module's tests, under the race detector (false: fuzz only)",
			set:   boolSetter(func(c *Config) *bool { return &c.Race })},
		{Flag: "fuzz", Env: "RACECHECK_FUZZ", Default: "true", Bool: true,
			Usage: "run every fuzz target, one at a time, after the tests",
			set:   boolSetter(func(c *Config) *bool { return &c.Fuzz })},
		{Flag: "packages", Env: "RACECHECK_PACKAGES", Default: "./...",
			Usage: "space-separated package patterns to test in each module, relative to the module's directory, or import paths (with /...) inside one module of the run, tested in that module only",
			set: func(c *Config, v string) error {
				pats := strings.Fields(v)
				for _, p := range pats {
					if !strings.HasPrefix(p, ".") && !isImportPattern(p) {
						return fmt.Errorf("pattern %q must be relative to the module, starting with ./, or an import path such as example.com/m/p/...: %w", p, ErrInvalidConfig)
					}
				}
				if len(pats) == 0 {
					return fmt.Errorf("want at least one pattern: %w", ErrInvalidConfig)
				}
				c.Packages = pats
				return nil
			}},
		{Flag: "cpu", Env: "RACECHECK_CPU", Default: "GOMAXPROCS",
			Usage: "go test -cpu: comma-separated GOMAXPROCS values, e.g. 1,2,4",
			set: func(c *Config, v string) error {
				if err := checkCPUList(v); err != nil {
					return err
				}
				c.CPU = v
				return nil
			}},
		{Flag: "count", Env: "RACECHECK_COUNT", Default: "1",
			Usage: "go test -count: run each test this many times",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return fmt.Errorf("want a whole number >= 1: %w", ErrInvalidConfig)
				}
				c.Count = n
				return nil
			}},
		{Flag: "shuffle", Env: "RACECHECK_SHUFFLE", Default: "off",
			Usage: "go test -shuffle: off (declaration order, as go test), on (racecheck picks and records a seed; a failure only go test's order shows can then pass, and -stress tries other orders anyway), or a seed to replay",
			set: func(c *Config, v string) error {
				if v != "on" && v != "off" {
					if _, err := strconv.ParseInt(v, 10, 64); err != nil {
						return fmt.Errorf("want on, off or an integer seed: %w", ErrInvalidConfig)
					}
				}
				c.Shuffle = v
				return nil
			}},
		{Flag: "run", Env: "RACECHECK_RUN",
			Usage: "go test -run: only tests matching this regexp (slash-separated for subtests)",
			set: func(c *Config, v string) error {
				if err := checkTestPattern(v); err != nil {
					return err
				}
				c.Run = v
				return nil
			}},
		{Flag: "skip", Env: "RACECHECK_SKIP",
			Usage: "go test -skip: leave out tests matching this regexp",
			set: func(c *Config, v string) error {
				if err := checkTestPattern(v); err != nil {
					return err
				}
				c.Skip = v
				return nil
			}},
		{Flag: "timeout", Env: "RACECHECK_TIMEOUT", Default: "10m",
			Usage: "go test -timeout for each test binary (0 disables it); a binary that outlives it with its own alarm not fired (blocked in TestMain or init) is stopped a minute after it and reported as a timeout, as go test does",
			set:   durationSetter(func(c *Config) *time.Duration { return &c.Timeout })},
		{Flag: "test-timeout", Env: "RACECHECK_TEST_TIMEOUT", Default: "none",
			Usage: "stop a test that runs longer than this and report it as a hang, with its blocked goroutines (a parent's clock restarts whenever one of its subtests ends)",
			set:   durationSetter(func(c *Config) *time.Duration { return &c.TestTimeout })},
		{Flag: "leaks", Env: "RACECHECK_LEAKS", Default: "true", Bool: true,
			Usage: "report goroutines the tests leave blocked forever (needs Go 1.26; says so once on older Go)",
			set:   boolSetter(func(c *Config) *bool { return &c.Leaks })},
		{Flag: "stress", Env: "RACECHECK_STRESS", Default: "none",
			Usage: "after the normal run, re-run the tests of each package whose tests reach concurrency for this long, varying GOMAXPROCS, shuffle seeds and the schedule",
			set:   durationSetter(func(c *Config) *time.Duration { return &c.Stress })},
		{Flag: "stress-seed", Env: "RACECHECK_STRESS_SEED",
			Usage: "run the tests once with the schedule perturbation of this seed (a -stress finding's rerun command sets it)",
			set: func(c *Config, v string) error {
				n, err := strconv.ParseUint(v, 10, 64)
				if err != nil {
					return fmt.Errorf("want a whole number: %w", ErrInvalidConfig)
				}
				c.StressSeed = n
				return nil
			}},
		{Flag: "fuzz-match", Env: "RACECHECK_FUZZ_MATCH",
			Usage: "only fuzz targets whose name matches this regexp; one that matches no target fails the run (exit 2)",
			set: func(c *Config, v string) error {
				if _, err := regexp.Compile(v); err != nil {
					return fmt.Errorf("%v: %w", err, ErrInvalidConfig)
				}
				c.FuzzMatch = v
				return nil
			}},
		{Flag: "fuzztime", Env: "RACECHECK_FUZZTIME", EnvAlias: "FUZZTIME", Default: "10s",
			Usage: "fuzzing time per target: a duration, or Nx for N executions",
			set: func(c *Config, v string) error {
				ft, err := ParseFuzzTime(v)
				c.FuzzTime = ft
				return err
			}},
		{Flag: "fuzz-budget", Env: "RACECHECK_FUZZ_BUDGET", Default: "none",
			Usage: "total fuzzing time; each target gets at most an equal share of what is left when it starts, at least 1s while the budget lasts (build time is not charged)",
			set:   durationSetter(func(c *Config) *time.Duration { return &c.FuzzBudget })},
		{Flag: "fuzz-parallel", Env: "RACECHECK_FUZZ_PARALLEL", Default: "GOMAXPROCS",
			Usage: "fuzzing worker processes per target",
			set: func(c *Config, v string) error {
				n, err := strconv.Atoi(v)
				if err != nil || n < 0 {
					return fmt.Errorf("want a whole number >= 0: %w", ErrInvalidConfig)
				}
				c.FuzzWorkers = n
				return nil
			}},
		{Flag: "fuzz-race", Env: "RACECHECK_FUZZ_RACE", Default: "true", Bool: true,
			Usage: "fuzz under the race detector; false runs many times more inputs per second but finds no races while fuzzing",
			set:   boolSetter(func(c *Config) *bool { return &c.FuzzRace })},
		{Flag: "fuzz-min-execs", Env: "RACECHECK_FUZZ_MIN_EXECS", Default: "100",
			Usage: "a target that ran fewer executions (or did not finish its baseline coverage) is reported incomplete, not ok; -fuzztime Nx with a smaller N lowers it to N",
			set: func(c *Config, v string) error {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 0 {
					return fmt.Errorf("want a whole number >= 0: %w", ErrInvalidConfig)
				}
				c.FuzzMinExecs = n
				return nil
			}},
		{Flag: "fuzz-minimize", Env: "RACECHECK_FUZZ_MINIMIZE", Default: "true", Bool: true,
			Usage: "let the fuzzing engine minimise a failing input (its execution count is then a lower bound)",
			set:   boolSetter(func(c *Config) *bool { return &c.FuzzMinimize })},
		{Flag: "shard", Env: "RACECHECK_SHARD", Default: "1/1",
			Usage: "fuzz only shard i of n (1-based) of the sorted targets, for CI fan-out",
			set: func(c *Config, v string) error {
				s, err := ParseShard(v)
				c.Shard = s
				return err
			}},
		{Flag: "json", Env: "RACECHECK_JSON",
			Usage: "write the JSON report to this file",
			set:   func(c *Config, v string) error { c.Outputs.JSON = v; return nil }},
		{Flag: "junit", Env: "RACECHECK_JUNIT",
			Usage: "write JUnit XML to this file",
			set:   func(c *Config, v string) error { c.Outputs.JUnit = v; return nil }},
		{Flag: "sarif", Env: "RACECHECK_SARIF",
			Usage: "write SARIF 2.1.0 to this file",
			set:   func(c *Config, v string) error { c.Outputs.SARIF = v; return nil }},
		{Flag: "codequality", Env: "RACECHECK_CODEQUALITY",
			Usage: "write a GitLab Code Quality report to this file",
			set:   func(c *Config, v string) error { c.Outputs.CodeQuality = v; return nil }},
		{Flag: "github", Env: "RACECHECK_GITHUB", Default: "GITHUB_ACTIONS=true", Bool: true,
			Usage: "print GitHub annotations on stdout and append a job summary to $GITHUB_STEP_SUMMARY",
			set:   boolSetter(func(c *Config) *bool { return &c.Outputs.GitHub })},
	}
}

// SetFromEnv applies every option whose environment variable (or its
// alias) getenv returns non-empty. The error names the variable.
func (c *Config) SetFromEnv(getenv func(string) string) error {
	var errs []error
	for _, o := range Options() {
		name, v := o.Env, getenv(o.Env)
		if v == "" && o.EnvAlias != "" {
			name, v = o.EnvAlias, getenv(o.EnvAlias)
		}
		if v == "" {
			continue
		}
		if err := o.set(c, v); err != nil {
			errs = append(errs, fmt.Errorf("racecheck: %s=%q: %w", name, v, err))
		}
	}
	return errors.Join(errs...)
}

// LookupOption returns the option with the given flag name.
func LookupOption(flag string) (Option, bool) {
	for _, o := range Options() {
		if o.Flag == flag {
			return o, true
		}
	}
	return Option{}, false
}

func boolSetter(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("want true or false: %w", ErrInvalidConfig)
		}
		*field(c) = b
		return nil
	}
}

func durationSetter(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return fmt.Errorf("want a duration >= 0 such as 90s or 5m: %w", ErrInvalidConfig)
		}
		*field(c) = d
		return nil
	}
}

// checkCPUList accepts what testing accepts for -test.cpu: comma-separated
// whole numbers >= 1.
func checkCPUList(v string) error {
	n := 0
	for f := range strings.SplitSeq(v, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if c, err := strconv.Atoi(f); err != nil || c < 1 {
			return fmt.Errorf("%q is not a GOMAXPROCS value >= 1: %w", f, ErrInvalidConfig)
		}
		n++
	}
	if n == 0 {
		return fmt.Errorf("want comma-separated numbers such as 1,2,4: %w", ErrInvalidConfig)
	}
	return nil
}

// checkTestPattern compiles each slash-separated element of a -run or -skip
// pattern, as package testing does.
func checkTestPattern(v string) error {
	for i, elem := range splitTestPattern(v) {
		if _, err := regexp.Compile(elem); err != nil {
			return fmt.Errorf("element %d (%q): %v: %w", i, elem, err, ErrInvalidConfig)
		}
	}
	return nil
}

// splitTestPattern splits a -run pattern at the slashes that are outside
// brackets and parentheses.
func splitTestPattern(s string) []string {
	var out []string
	depth, cs := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '[', '(':
			depth++
		case ']', ')':
			depth--
			if depth < 0 {
				depth = 0
			}
		case '/':
			if depth == 0 {
				out = append(out, s[cs:i])
				cs = i + 1
			}
		}
	}
	return append(out, s[cs:])
}

// FuzzTime is go test's -fuzztime: a duration, or a number of executions
// written "Nx".
type FuzzTime struct {
	Duration time.Duration
	Execs    int
}

// ParseFuzzTime parses "10s" or "1000x".
func ParseFuzzTime(s string) (FuzzTime, error) {
	if n, ok := strings.CutSuffix(s, "x"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v <= 0 {
			return FuzzTime{}, fmt.Errorf("fuzztime %q: want a duration or Nx with N > 0: %w", s, ErrInvalidConfig)
		}
		return FuzzTime{Execs: v}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return FuzzTime{}, fmt.Errorf("fuzztime %q: want a positive duration or Nx: %w", s, ErrInvalidConfig)
	}
	return FuzzTime{Duration: d}, nil
}

// String formats the value as go test's -fuzztime flag.
func (f FuzzTime) String() string {
	if f.Execs > 0 {
		return strconv.Itoa(f.Execs) + "x"
	}
	return f.Duration.String()
}

// Shard is a 1-based slice i of n of the fuzz targets: target k (0-based,
// in module, package, name order) belongs to shard k%n+1.
type Shard struct {
	Index int
	Total int
}

// ParseShard parses "i/n" with 1 <= i <= n.
func ParseShard(s string) (Shard, error) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q: want i/n with 1 <= i <= n: %w", s, ErrInvalidConfig)
	}
	return Shard{Index: i, Total: n}, nil
}

// String formats the shard as "i/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }

// Has reports whether the k-th target (0-based) belongs to the shard.
func (s Shard) Has(k int) bool {
	if s.Total <= 1 {
		return true
	}
	return k%s.Total == s.Index-1
}

// Validate checks every field and every directory, and returns all the
// problems at once; each wraps ErrInvalidConfig. It fills in defaults for
// empty Dirs, Go and Progress. Run calls it; call it yourself to fail
// before opening outputs.
func (c *Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("racecheck: "+format+": %w", append(args, ErrInvalidConfig)...))
	}
	if !c.Race && !c.Fuzz {
		bad("race and fuzz are both false: the run would test nothing and report it clean")
	}
	if c.Count < 1 {
		bad("count must be >= 1, got %d", c.Count)
	}
	if c.CPU != "" {
		if err := checkCPUList(c.CPU); err != nil {
			bad("cpu %q: %v", c.CPU, err)
		}
	}
	if c.Shuffle == "" {
		c.Shuffle = "off"
	}
	if c.Shuffle != "on" && c.Shuffle != "off" {
		if _, err := strconv.ParseInt(c.Shuffle, 10, 64); err != nil {
			bad("shuffle %q: want on, off or an integer seed", c.Shuffle)
		}
	}
	for name, p := range map[string]string{"run": c.Run, "skip": c.Skip} {
		if err := checkTestPattern(p); err != nil {
			bad("%s %q: %v", name, p, err)
		}
	}
	if _, err := regexp.Compile(c.FuzzMatch); err != nil {
		bad("fuzz-match %q: %v", c.FuzzMatch, err)
	}
	if c.Timeout < 0 {
		bad("timeout must be >= 0, got %v", c.Timeout)
	}
	if c.TestTimeout < 0 || c.Stress < 0 {
		bad("test-timeout and stress must be >= 0, got %v and %v", c.TestTimeout, c.Stress)
	}
	if c.FuzzTime.Duration <= 0 && c.FuzzTime.Execs <= 0 {
		bad("fuzztime must be positive")
	}
	if c.FuzzWorkers < 0 {
		bad("fuzz-parallel must be >= 0, got %d", c.FuzzWorkers)
	}
	if c.FuzzBudget < 0 {
		bad("fuzz-budget must be >= 0, got %v", c.FuzzBudget)
	}
	if c.FuzzMinExecs < 0 {
		bad("fuzz-min-execs must be >= 0, got %d", c.FuzzMinExecs)
	}
	if c.Shard.Total == 0 {
		c.Shard = Shard{Index: 1, Total: 1}
	}
	if c.Shard.Index < 1 || c.Shard.Index > c.Shard.Total {
		bad("shard %v out of range", c.Shard)
	}
	if len(c.Dirs) == 0 {
		c.Dirs = []string{"."}
	}
	if len(c.Packages) == 0 {
		c.Packages = []string{"./..."}
	}
	for _, d := range c.Dirs {
		if err := checkDir(d); err != nil {
			errs = append(errs, err)
		}
	}
	if c.Root != "" {
		if st, err := os.Stat(c.Root); err != nil || !st.IsDir() {
			bad("root %s does not exist or is not a directory", c.Root)
		}
	}
	if err := c.Outputs.check(); err != nil {
		errs = append(errs, err)
	}
	if c.Go == "" {
		c.Go = "go"
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	return errors.Join(errs...)
}

// checkDir checks that a directory argument exists and holds a go.work or
// go.mod file. A trailing "/..." is allowed.
func checkDir(d string) error {
	dir := trimDots(d)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("racecheck: directory %s does not exist: %w", d, ErrInvalidConfig)
	case err != nil:
		return fmt.Errorf("racecheck: directory %s: %v: %w", d, err, ErrInvalidConfig)
	case !st.IsDir():
		return fmt.Errorf("racecheck: %s is not a directory: %w", d, ErrInvalidConfig)
	}
	for _, f := range []string{"go.work", "go.mod"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return nil
		}
	}
	return fmt.Errorf("racecheck: %s has no go.work or go.mod file (give a module root or a workspace root): %w: %w", d, ErrNoModule, ErrInvalidConfig)
}

// trimDots turns "dir/..." into "dir" and "./..." into ".".
func trimDots(d string) string {
	s := filepath.ToSlash(d)
	if t, ok := strings.CutSuffix(s, "/..."); ok {
		if t == "" {
			return "/"
		}
		return filepath.FromSlash(t)
	}
	if s == "..." {
		return "."
	}
	return d
}

// isImportPattern reports whether a -packages pattern is an import path
// (its first element has a dot, as a module path's does), which names
// packages of the one module of the run it lies in.
func isImportPattern(p string) bool {
	first, _, _ := strings.Cut(p, "/")
	return strings.Contains(first, ".") && !strings.HasPrefix(p, ".")
}

// modulePatterns returns the -packages patterns that apply to module m:
// the relative ones, and the import paths inside m.
func modulePatterns(patterns []string, m Module) []string {
	var out []string
	for _, p := range patterns {
		if !isImportPattern(p) || p == m.Path || strings.HasPrefix(p, m.Path+"/") {
			out = append(out, p)
		}
	}
	return out
}
