// Command benchreport runs raceproof's benchmark suites and generates
// docs/benchmarks.md with its charts.
//
//	benchreport run [-root dir]          run the suites (settings from BENCH_* env), then generate
//	benchreport gen [-md file] [-charts dir] [-title t] raw...   regenerate the report from raw output
//	benchreport service [-md file] [-charts dir] raw.txt        the service-level section from servicebench's output
//
// A raw argument of gen is a file or a directory of run files (the runner
// writes one per run into docs/benchmarks/raw); results measured by several
// runs come from the newest. `go tool mage bench` calls `benchreport run`
// and `benchreport service`. BENCH_QUICK=1 selects a quick smoke run;
// BENCH_ROUNDS, BENCH_TIME, BENCH_CPU, BENCH_PKGS and BENCH_FILTER override
// single settings.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/raceproof/raceproof/tools/benchreport"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		return fmt.Errorf("usage: benchreport run [-root dir] | benchreport gen [-md file] [-charts dir] raw... | benchreport service [-md file] [-charts dir] raw.txt")
	}
	switch args[0] {
	case "run":
		fs := flag.NewFlagSet("run", flag.ContinueOnError)
		root := fs.String("root", ".", "repository root")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		o, err := benchreport.OptionsFromEnv(*root, os.Getenv)
		if err != nil {
			return err
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		if err := benchreport.Run(ctx, o, os.Stdout); err != nil {
			return err
		}
		fmt.Printf("benchreport: wrote %s and charts in %s\n", o.MarkdownPath, o.ChartDir)
		return nil
	case "service":
		fs := flag.NewFlagSet("service", flag.ContinueOnError)
		md := fs.String("md", "docs/benchmarks/service.md", "Markdown section to write")
		charts := fs.String("charts", "docs/benchmarks", "directory for its chart (only service-*.svg are written)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return fmt.Errorf("benchreport service: want exactly one raw output file")
		}
		return benchreport.GenerateServiceFiles(fs.Arg(0), *md, *charts)
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ContinueOnError)
		md := fs.String("md", "docs/benchmarks.md", "Markdown report to write")
		charts := fs.String("charts", "docs/benchmarks/charts", "directory for the SVG charts (its *.svg are replaced by the report's)")
		title := fs.String("title", "", "heading of the report (default \"raceproof benchmarks\")")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return fmt.Errorf("benchreport gen: no raw output files given")
		}
		return benchreport.GenerateFiles(fs.Args(), *md, *charts, *title)
	default:
		return fmt.Errorf("benchreport: unknown command %q (want run, gen or service)", args[0])
	}
}
