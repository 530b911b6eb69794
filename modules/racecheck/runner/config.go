package runner

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidConfig is wrapped by errors about bad Config fields.
var ErrInvalidConfig = errors.New("invalid racecheck configuration")

// Config says what Run does. The zero value is not useful: start from
// DefaultConfig.
type Config struct {
	// Dirs are module roots or workspace roots (default ".").
	Dirs []string
	// Root is the directory report paths are relative to (default: the
	// current directory). Race reports have it stripped through GORACE's
	// strip_path_prefix.
	Root string
	// Race runs every module's tests under the race detector.
	Race bool
	// Fuzz runs every fuzz target, one at a time. Fuzzing is done under the
	// race detector when Race is also set.
	Fuzz bool
	// CPU is go test's -cpu list, e.g. "1,2,4" (empty: go's default).
	CPU string
	// Count is go test's -count (default 1, which also disables caching).
	Count int
	// Shuffle is go test's -shuffle ("on", "off" or a seed).
	Shuffle string
	// Run is go test's -run regexp for the race tests.
	Run string
	// Timeout is go test's -timeout for each test binary (0: go's default).
	Timeout time.Duration
	// FuzzMatch selects fuzz targets by name (unanchored regexp).
	FuzzMatch string
	// FuzzTime is the fuzzing time per target.
	FuzzTime FuzzTime
	// FuzzBudget caps the total fuzzing time; each target gets at most an
	// equal share of what is left when it starts (0: no cap).
	FuzzBudget time.Duration
	// FuzzWorkers is go test's -parallel while fuzzing: the number of fuzz
	// worker processes (0: GOMAXPROCS).
	FuzzWorkers int
	// Shard selects a deterministic subset of the fuzz targets.
	Shard Shard
	// Progress receives human-readable progress (nil: discarded).
	Progress io.Writer
	// Go is the go command (default "go").
	Go string
	// Version is recorded in the report's tool section.
	Version string
}

// DefaultConfig returns the configuration of "racecheck run" without flags:
// race tests and fuzzing of every module under ".", -count 1, -shuffle on,
// 10s per fuzz target.
func DefaultConfig() Config {
	return Config{
		Dirs:     []string{"."},
		Race:     true,
		Fuzz:     true,
		Count:    1,
		Shuffle:  "on",
		FuzzTime: FuzzTime{Duration: 10 * time.Second},
		Shard:    Shard{Index: 1, Total: 1},
		Go:       "go",
		Version:  "devel",
	}
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
			return FuzzTime{}, fmt.Errorf("racecheck: fuzztime %q: want a duration or Nx with N > 0: %w", s, ErrInvalidConfig)
		}
		return FuzzTime{Execs: v}, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return FuzzTime{}, fmt.Errorf("racecheck: fuzztime %q: want a positive duration or Nx: %w", s, ErrInvalidConfig)
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
		return Shard{}, fmt.Errorf("racecheck: shard %q: want i/n with 1 <= i <= n: %w", s, ErrInvalidConfig)
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

func (c *Config) validate() error {
	if c.Count < 1 {
		return fmt.Errorf("racecheck: Count must be >= 1, got %d: %w", c.Count, ErrInvalidConfig)
	}
	if c.FuzzTime.Duration <= 0 && c.FuzzTime.Execs <= 0 {
		return fmt.Errorf("racecheck: FuzzTime must be positive: %w", ErrInvalidConfig)
	}
	if c.FuzzWorkers < 0 {
		return fmt.Errorf("racecheck: FuzzWorkers must be >= 0, got %d: %w", c.FuzzWorkers, ErrInvalidConfig)
	}
	if c.FuzzBudget < 0 {
		return fmt.Errorf("racecheck: FuzzBudget must be >= 0, got %v: %w", c.FuzzBudget, ErrInvalidConfig)
	}
	if c.Shard.Total == 0 {
		c.Shard = Shard{Index: 1, Total: 1}
	}
	if c.Shard.Index < 1 || c.Shard.Index > c.Shard.Total {
		return fmt.Errorf("racecheck: Shard %v out of range: %w", c.Shard, ErrInvalidConfig)
	}
	if len(c.Dirs) == 0 {
		c.Dirs = []string{"."}
	}
	if c.Go == "" {
		c.Go = "go"
	}
	if c.Progress == nil {
		c.Progress = io.Discard
	}
	return nil
}
