package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/raceproof/raceproof/modules/racecheck/report"
	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

// optionFlag adapts a runner.Option to the flag package.
type optionFlag struct {
	cfg *runner.Config
	opt runner.Option
	val string
}

func (f *optionFlag) String() string   { return f.val }
func (f *optionFlag) IsBoolFlag() bool { return f.opt.Bool }
func (f *optionFlag) Set(v string) error {
	f.val = v
	return f.opt.Set(f.cfg, v)
}

// flagSet declares one flag per runner option, writing into cfg.
func flagSet(name string, cfg *runner.Config, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	for _, o := range runner.Options() {
		usage := o.Usage
		if o.Default != "" {
			usage += " (default " + o.Default + ")"
		}
		fs.Var(&optionFlag{cfg: cfg, opt: o}, o.Flag, usage)
	}
	return fs
}

func runCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg := runner.DefaultConfig()
	cfg.Version = version()
	cfg.Progress = stderr
	fs := flagSet("racecheck run", &cfg, stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: racecheck run [flags] [dir ...]\n\n"+
			"dirs are module roots or workspace roots (default \".\").\n"+
			"Exit status: 0 clean, 1 findings, 2 a build failure, a bad argument or a tool failure.\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return report.ExitClean
		}
		return report.ExitBroken
	}
	if fs.NArg() > 0 {
		cfg.Dirs = fs.Args()
	}
	// Everything is checked, and every output file created, before any
	// test runs: a bad argument costs seconds, not the whole run.
	if err := cfg.Validate(); err != nil {
		fmt.Fprintln(stderr, err)
		return report.ExitBroken
	}
	outs, err := cfg.Outputs.Open()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return report.ExitBroken
	}
	rep, runErr := runner.Run(ctx, cfg)
	if runErr != nil {
		fmt.Fprintln(stderr, runErr)
	}
	code := rep.ExitCode()
	if err := outs.Write(rep, stdout); err != nil {
		fmt.Fprintln(stderr, err)
		code = report.ExitBroken
	}
	if err := report.WriteText(stderr, rep); err != nil {
		code = report.ExitBroken
	}
	return code
}
