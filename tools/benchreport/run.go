package benchreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidOption reports a bad runner setting (from flags or environment).
var ErrInvalidOption = errors.New("benchreport: invalid option")

// RunOptions configure a benchmark run.
type RunOptions struct {
	// Dir is the benchmarks module directory go test runs in.
	Dir string
	// Packages are the package patterns to benchmark, relative to Dir.
	Packages []string
	// Bench is the -bench regular expression.
	Bench string
	// Rounds is how many times every suite runs; medians are over rounds.
	Rounds int
	// Benchtime is passed to -benchtime.
	Benchtime string
	// CPU is the -cpu list.
	CPU string
	// Short adds -short (suites skip their largest cases).
	Short bool
	// Quick marks the report as a quick smoke run.
	Quick bool
	// Command is the reproduce command recorded in the raw output.
	Command string
	// Env is extra environment for go test ("KEY=value").
	Env []string
	// RawDir holds one raw output file per run, named by its start time;
	// the report merges them (see Merge). MarkdownPath and ChartDir are
	// where the report goes.
	RawDir, MarkdownPath, ChartDir string
	// ServiceRaw is benchmarks/servicebench's raw output; the report has a
	// service-level section rendered from it when the file exists.
	ServiceRaw string
	// GoMod is the go.mod whose requirements are recorded as the peers.
	GoMod string
}

// Quick and full defaults, also used by the mage target.
const (
	FullRounds     = 6
	FullBenchtime  = "1s"
	QuickRounds    = 1
	QuickBenchtime = "20ms"
	QuickCPU       = "1,2"
	DefaultCPU     = "1,2,4"
)

// DefaultOptions returns the full run's options for the repository root
// dir: the suites in benchmarks/, the report in docs/benchmarks.md with its
// raw output, charts and the service benchmark's raw output under
// docs/benchmarks/.
func DefaultOptions(root string) RunOptions {
	return RunOptions{
		Dir:          filepath.Join(root, "benchmarks"),
		Packages:     []string{"./..."},
		Bench:        ".",
		Rounds:       FullRounds,
		Benchtime:    FullBenchtime,
		CPU:          DefaultCPU,
		Command:      DefaultCommand,
		RawDir:       filepath.Join(root, "docs", "benchmarks", "raw"),
		GoMod:        filepath.Join(root, "benchmarks", "go.mod"),
		MarkdownPath: filepath.Join(root, "docs", "benchmarks.md"),
		ChartDir:     filepath.Join(root, "docs", "benchmarks", "charts"),
		ServiceRaw:   filepath.Join(root, "docs", "benchmarks", "service-raw.txt"),
	}
}

// OptionsFromEnv returns run options for the repository root dir, with
// BENCH_QUICK=1 selecting the quick smoke run (one round, short -benchtime,
// -short, -cpu 1,2) and BENCH_ROUNDS, BENCH_TIME,
// BENCH_CPU, BENCH_PKGS (space-separated) and BENCH_FILTER (-bench regexp)
// overriding single settings.
func OptionsFromEnv(root string, getenv func(string) string) (RunOptions, error) {
	o := DefaultOptions(root)
	var cmd []string
	if q := getenv("BENCH_QUICK"); q != "" && q != "0" {
		if q != "1" {
			return o, fmt.Errorf("BENCH_QUICK=%q, want 1 or 0: %w", q, ErrInvalidOption)
		}
		o.Quick, o.Short = true, true
		o.Rounds, o.Benchtime, o.CPU = QuickRounds, QuickBenchtime, QuickCPU
		cmd = append(cmd, "BENCH_QUICK=1")
	}
	if v := getenv("BENCH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return o, fmt.Errorf("BENCH_ROUNDS=%q, want a positive integer: %w", v, ErrInvalidOption)
		}
		o.Rounds = n
		cmd = append(cmd, "BENCH_ROUNDS="+v)
	}
	for _, e := range []struct {
		name string
		dst  *string
	}{{"BENCH_TIME", &o.Benchtime}, {"BENCH_CPU", &o.CPU}, {"BENCH_FILTER", &o.Bench}} {
		if v := getenv(e.name); v != "" {
			*e.dst = v
			cmd = append(cmd, e.name+"="+shellQuote(v))
		}
	}
	if v := getenv("BENCH_PKGS"); v != "" {
		o.Packages = strings.Fields(v)
		cmd = append(cmd, "BENCH_PKGS="+shellQuote(v))
	}
	o.Command = strings.Join(append(cmd, DefaultCommand), " ")
	return o, nil
}

// TestArgs are the go test arguments of one round.
func (o RunOptions) TestArgs() []string {
	args := []string{"test", "-run", "^$", "-bench", o.Bench, "-benchmem", "-count", "1",
		"-benchtime", o.Benchtime, "-cpu", o.CPU, "-timeout", "0"}
	if o.Short {
		args = append(args, "-short")
	}
	return append(args, o.Packages...)
}

// Header is the raw output's configuration block describing the run and the
// machine; peers is the KeyPeers value.
func (o RunOptions) Header(goVersion, peers string, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s\n", KeyGoVersion, goVersion)
	fmt.Fprintf(&b, "%s: %s\n", KeyDate, now.UTC().Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "%s: %d\n", KeyNumCPU, runtime.NumCPU())
	fmt.Fprintf(&b, "%s: %d\n", KeyGOMAXPROCS, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "%s: %s\n", KeyCPUList, o.CPU)
	fmt.Fprintf(&b, "%s: %d\n", KeyRounds, o.Rounds)
	fmt.Fprintf(&b, "%s: %s\n", KeyBenchtime, o.Benchtime)
	fmt.Fprintf(&b, "%s: %t\n", KeyQuick, o.Quick)
	fmt.Fprintf(&b, "%s: %s\n", KeyPackages, strings.Join(o.Packages, " "))
	fmt.Fprintf(&b, "%s: %s\n", KeyFilter, o.Bench)
	if peers != "" {
		fmt.Fprintf(&b, "%s: %s\n", KeyPeers, peers)
	}
	fmt.Fprintf(&b, "%s: %s\n", KeyCommand, o.Command)
	return b.String()
}

// Run runs o.Rounds rounds of the suites, writes the raw output to a new file
// in o.RawDir, deletes the older files whose every result it superseded, and
// regenerates the report (see Render), so a partial run (BENCH_PKGS,
// BENCH_FILTER) replaces what it measured and keeps every other suite's
// results and charts, and the service-level section. Progress goes to log.
// The raw output is kept even when a round fails.
func Run(ctx context.Context, o RunOptions, log io.Writer) error {
	if o.Rounds < 1 {
		return fmt.Errorf("rounds = %d, want >= 1: %w", o.Rounds, ErrInvalidOption)
	}
	goEnv := exec.CommandContext(ctx, "go", "env", "GOVERSION")
	goEnv.Dir = o.Dir
	goEnv.Env = append(os.Environ(), o.Env...)
	goVersion, err := goEnv.Output()
	if err != nil {
		return fmt.Errorf("benchreport: go env GOVERSION: %w", err)
	}
	peers := ""
	if o.GoMod != "" {
		if peers, err = PeersFromGoMod(o.GoMod); err != nil {
			return err
		}
	}
	start := time.Now()
	var raw bytes.Buffer
	raw.WriteString(o.Header(strings.TrimSpace(string(goVersion)), peers, start))
	args := o.TestArgs()
	var runErr error
	for round := 1; round <= o.Rounds; round++ {
		fmt.Fprintf(log, "benchreport: round %d/%d: (cd %s && go %s)\n", round, o.Rounds, o.Dir, strings.Join(args, " "))
		cmd := exec.CommandContext(ctx, "go", args...)
		cmd.Dir = o.Dir
		cmd.Env = append(os.Environ(), o.Env...)
		cmd.Stdout = io.MultiWriter(&raw, log)
		cmd.Stderr = log
		start := time.Now()
		if err := cmd.Run(); err != nil {
			runErr = fmt.Errorf("benchreport: round %d: go test: %w", round, err)
			break
		}
		fmt.Fprintf(log, "benchreport: round %d done in %s\n", round, time.Since(start).Round(time.Second))
	}
	if err := os.MkdirAll(o.RawDir, 0o755); err != nil {
		return err
	}
	rawPath := filepath.Join(o.RawDir, RunFileName(start))
	if err := os.WriteFile(rawPath, raw.Bytes(), 0o644); err != nil {
		return fmt.Errorf("benchreport: writing raw output: %w", err)
	}
	fmt.Fprintf(log, "benchreport: raw output in %s\n", rawPath)
	if runErr != nil {
		return runErr
	}
	deleted, err := Prune(o.RawDir)
	if err != nil {
		return err
	}
	for _, d := range deleted {
		fmt.Fprintf(log, "benchreport: %s: every result superseded by newer runs, deleted\n", d)
	}
	return o.Render()
}

// Render regenerates the report from the raw output alone, measuring
// nothing: the suites from the run files in o.RawDir and, when o.ServiceRaw
// exists, the service-level section from it. Every run of the suites and of
// the service benchmark ends with it, so neither loses the other's results.
func (o RunOptions) Render() error {
	f := Files{Raw: []string{o.RawDir}, Markdown: o.MarkdownPath, ChartDir: o.ChartDir}
	if o.ServiceRaw != "" {
		switch _, err := os.Stat(o.ServiceRaw); {
		case err == nil:
			f.Service = o.ServiceRaw
		case !errors.Is(err, fs.ErrNotExist):
			return fmt.Errorf("benchreport: service raw output: %w", err)
		}
	}
	return GenerateFiles(f)
}

// RunFileName names the raw output file of a run started at t; names sort
// by start time.
func RunFileName(t time.Time) string { return t.UTC().Format("20060102T150405Z") + ".txt" }

// PeersFromGoMod returns the direct requirements of a go.mod that are not
// raceproof's own modules, as "path@version" separated by spaces.
func PeersFromGoMod(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("benchreport: peers: %w", err)
	}
	var peers []string
	inBlock := false
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "require (":
			inBlock = true
			continue
		case inBlock && line == ")":
			inBlock = false
			continue
		case strings.HasPrefix(line, "require "):
			line = strings.TrimPrefix(line, "require ")
		case !inBlock:
			continue
		}
		if strings.Contains(line, "// indirect") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 || strings.HasPrefix(f[0], "github.com/raceproof/") {
			continue
		}
		peers = append(peers, f[0]+"@"+f[1])
	}
	return strings.Join(peers, " "), nil
}

// Files say what GenerateFiles reads and writes.
type Files struct {
	// Raw are raw output files; a directory stands for its *.txt run
	// files, merged as Merge says.
	Raw []string
	// Service is benchmarks/servicebench's raw output, rendered as the
	// service-level section; empty means no such section.
	Service string
	// Markdown is the report to write; ChartDir gets its charts.
	Markdown, ChartDir string
	// Title is the report's heading; empty means the default.
	Title string
}

// GenerateFiles reads the raw files, writes the Markdown report and replaces
// every SVG in the chart directory with the report's charts, which cover
// every merged result and the service-level section. Links in the Markdown
// are relative to its directory; the benchstat commands show the raw paths
// as given when they are relative.
func GenerateFiles(f Files) error {
	rawPaths, mdPath, chartDir := f.Raw, f.Markdown, f.ChartDir
	if len(rawPaths) == 0 {
		return fmt.Errorf("benchreport: no raw output files given")
	}
	runs, err := ReadRuns(rawPaths)
	if err != nil {
		return err
	}
	raw, used := Merge(runs)
	rawLink, err := relTo(mdPath, rawPaths[0])
	if err != nil {
		return err
	}
	chartLink, err := relTo(mdPath, chartDir)
	if err != nil {
		return err
	}
	opts := Options{Title: f.Title, RawLink: rawLink, ChartLink: chartLink, RawCommandPath: cleanRel(rawPaths[0])}
	if st, err := os.Stat(rawPaths[0]); err == nil && st.IsDir() {
		opts.RawIsDir = true
	}
	if len(runs) > 1 {
		for i, r := range runs {
			link, err := relTo(mdPath, r.Path)
			if err != nil {
				return err
			}
			opts.Runs = append(opts.Runs, RunSummary{Link: link, Config: r.Raw.Config, Used: used[i]})
		}
	}
	if f.Service != "" {
		svc, err := ReadRuns([]string{f.Service})
		if err != nil {
			return err
		}
		link, err := relTo(mdPath, f.Service)
		if err != nil {
			return err
		}
		opts.Service = &ServiceOptions{Raw: svc[0].Raw, RawLink: link, RawCommandPath: cleanRel(f.Service)}
	}
	rep, err := Generate(raw, opts)
	if err != nil {
		return err
	}
	return writeReport(rep, mdPath, chartDir)
}

// relTo returns p relative to the directory of the Markdown file md, with
// forward slashes, for links.
func relTo(md, p string) (string, error) {
	absMD, err := filepath.Abs(md)
	if err != nil {
		return "", fmt.Errorf("benchreport: %w", err)
	}
	absP, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("benchreport: %w", err)
	}
	r, err := filepath.Rel(filepath.Dir(absMD), absP)
	if err != nil {
		return "", fmt.Errorf("benchreport: %w", err)
	}
	return filepath.ToSlash(r), nil
}

// cleanRel returns a relative path cleaned, for commands shown in the
// report, or "" for an absolute one.
func cleanRel(p string) string {
	if filepath.IsAbs(p) {
		return ""
	}
	return filepath.ToSlash(filepath.Clean(p))
}

// writeReport writes the Markdown and the charts; every other SVG in
// chartDir is deleted first (the report covers every result, so its charts
// are the complete set).
func writeReport(rep *Report, mdPath, chartDir string) error {
	if err := os.MkdirAll(chartDir, 0o755); err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(chartDir, "*.svg"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	for _, c := range rep.Charts {
		if err := os.WriteFile(filepath.Join(chartDir, c.File), c.SVG, 0o644); err != nil {
			return fmt.Errorf("benchreport: writing chart: %w", err)
		}
	}
	if err := os.WriteFile(mdPath, rep.Markdown, 0o644); err != nil {
		return fmt.Errorf("benchreport: writing report: %w", err)
	}
	return nil
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-/,=:", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
