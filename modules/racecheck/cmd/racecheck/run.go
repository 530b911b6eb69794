package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg := runner.DefaultConfig()
	cfg.Version = version()
	cfg.Progress = stderr
	fs := flag.NewFlagSet("racecheck run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&cfg.Race, "race", cfg.Race, "run the tests under the race detector")
	fs.BoolVar(&cfg.Fuzz, "fuzz", cfg.Fuzz, "run every fuzz target, one at a time")
	fs.StringVar(&cfg.CPU, "cpu", "", "go test -cpu list, e.g. 1,2,4")
	fs.IntVar(&cfg.Count, "count", cfg.Count, "go test -count")
	fs.StringVar(&cfg.Shuffle, "shuffle", cfg.Shuffle, "go test -shuffle: on, off or a seed")
	fs.StringVar(&cfg.Run, "run", "", "go test -run regexp for the race tests")
	fs.DurationVar(&cfg.Timeout, "timeout", 0, "go test -timeout per test binary (0: go's default)")
	fs.StringVar(&cfg.FuzzMatch, "fuzz-match", "", "only fuzz targets whose name matches this regexp")
	fuzztime := fs.String("fuzztime", cfg.FuzzTime.String(), "fuzzing time per target: a duration or Nx executions")
	fs.DurationVar(&cfg.FuzzBudget, "fuzz-budget", 0, "total fuzzing time cap, split fairly between targets (0: none)")
	fs.IntVar(&cfg.FuzzWorkers, "fuzz-parallel", 0, "fuzz worker processes per target (go test -parallel; 0: GOMAXPROCS)")
	shard := fs.String("shard", "1/1", "run fuzz shard i of n (1-based), for CI matrix fan-out")
	jsonFile := fs.String("json", "", "write the racecheck/v1 JSON report to `file`")
	junitFile := fs.String("junit", "", "write JUnit XML to `file`")
	sarifFile := fs.String("sarif", "", "write SARIF 2.1.0 to `file`")
	cqFile := fs.String("codequality", "", "write a GitLab Code Quality report to `file`")
	github := fs.Bool("github", os.Getenv("GITHUB_ACTIONS") == "true", "print GitHub annotations and write the job summary to $GITHUB_STEP_SUMMARY")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: racecheck run [flags] [dir ...]\n\ndirs are module roots or workspace roots (default \".\").\nExit status: 0 clean, 1 findings, 2 the tool or the build could not run.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return report.ExitClean
		}
		return report.ExitBroken
	}
	var err error
	if cfg.FuzzTime, err = runner.ParseFuzzTime(*fuzztime); err != nil {
		fmt.Fprintln(stderr, err)
		return report.ExitBroken
	}
	if cfg.Shard, err = runner.ParseShard(*shard); err != nil {
		fmt.Fprintln(stderr, err)
		return report.ExitBroken
	}
	if fs.NArg() > 0 {
		cfg.Dirs = fs.Args()
	}
	rep, runErr := runner.Run(ctx, cfg)
	if runErr != nil {
		fmt.Fprintln(stderr, runErr)
	}
	code := rep.ExitCode()
	outs := runner.Outputs{JSON: *jsonFile, JUnit: *junitFile, SARIF: *sarifFile, CodeQuality: *cqFile, GitHub: *github}
	if err := outs.Write(rep, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		code = report.ExitBroken
	}
	if err := report.WriteSummaryTable(stderr, rep); err != nil {
		code = report.ExitBroken
	}
	for _, line := range runner.Describe(rep) {
		fmt.Fprintln(stderr, line)
	}
	return code
}
