package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func listCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("racecheck list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print a JSON array of {module, package, target}")
	match := fs.String("fuzz-match", "", "only fuzz targets whose name matches this regexp")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return report.ExitClean
		}
		return report.ExitBroken
	}
	cfg := runner.DefaultConfig()
	if fs.NArg() > 0 {
		cfg.Dirs = fs.Args()
	}
	if *match != "" {
		opt, _ := runner.LookupOption("fuzz-match")
		if err := opt.Set(&cfg, *match); err != nil {
			fmt.Fprintln(stderr, err)
			return report.ExitBroken
		}
	}
	targets, err := runner.List(ctx, cfg)
	code := report.ExitClean
	if err != nil {
		fmt.Fprintln(stderr, err)
		code = report.ExitBroken
		if !errors.Is(err, runner.ErrBuild) {
			return code
		}
	}
	if *asJSON {
		if targets == nil {
			targets = []runner.Target{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(targets); err != nil {
			fmt.Fprintln(stderr, err)
			return report.ExitBroken
		}
		return code
	}
	for _, t := range targets {
		fmt.Fprintf(stdout, "%s\t%s\n", t.Package, t.Name)
	}
	return code
}
