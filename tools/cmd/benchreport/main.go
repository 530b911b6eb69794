// Command benchreport runs raceproof's benchmark suites and generates
// docs/benchmarks.md with its charts.
//
//	benchreport run [-root dir]      run the suites (settings from BENCH_* env), then render
//	benchreport render [-root dir]   regenerate docs/benchmarks.md from docs/benchmarks/raw and docs/benchmarks/service-raw.txt
//	benchreport gen [-md file] [-charts dir] [-title t] [-service raw.txt] raw...   a report from the raw output given
//
// run and render write the repository's report: the suites' results from
// the run files in docs/benchmarks/raw (the runner writes one per run;
// results measured by several runs come from the newest) and, when
// docs/benchmarks/service-raw.txt exists, the service-level section from
// benchmarks/servicebench's output. A raw argument of gen is a file or a
// directory of run files; without -md, gen writes the repository's report
// and includes docs/benchmarks/service-raw.txt unless -service names another. `go tool mage bench` calls `benchreport run`, runs
// the service benchmark and calls `benchreport render`. BENCH_QUICK=1
// selects a quick smoke run; BENCH_ROUNDS, BENCH_TIME, BENCH_CPU, BENCH_PKGS
// and BENCH_FILTER override single settings.
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
		return fmt.Errorf("usage: benchreport run [-root dir] | benchreport render [-root dir] | benchreport gen [-md file] [-charts dir] [-title t] [-service raw.txt] raw...")
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
	case "render":
		fs := flag.NewFlagSet("render", flag.ContinueOnError)
		root := fs.String("root", ".", "repository root")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 0 {
			return fmt.Errorf("benchreport render: unexpected arguments %q", fs.Args())
		}
		o := benchreport.DefaultOptions(*root)
		if err := o.Render(); err != nil {
			return err
		}
		fmt.Printf("benchreport: wrote %s and charts in %s\n", o.MarkdownPath, o.ChartDir)
		return nil
	case "gen":
		fs := flag.NewFlagSet("gen", flag.ContinueOnError)
		md := fs.String("md", "docs/benchmarks.md", "Markdown report to write")
		charts := fs.String("charts", "docs/benchmarks/charts", "directory for the SVG charts (its *.svg are replaced by the report's)")
		title := fs.String("title", "", "heading of the report (default \"raceproof benchmarks\")")
		service := fs.String("service", "", "benchmarks/servicebench raw output for a service-level section (without -md: docs/benchmarks/service-raw.txt if it exists)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			return fmt.Errorf("benchreport gen: no raw output files given")
		}
		mdSet := false
		fs.Visit(func(f *flag.Flag) { mdSet = mdSet || f.Name == "md" })
		if def := benchreport.DefaultOptions(".").ServiceRaw; *service == "" && !mdSet {
			// The repository's report keeps its service-level section.
			if _, err := os.Stat(def); err == nil {
				*service = def
			}
		}
		return benchreport.GenerateFiles(benchreport.Files{Raw: fs.Args(), Service: *service, Markdown: *md, ChartDir: *charts, Title: *title})
	default:
		return fmt.Errorf("benchreport: unknown command %q (want run, render or gen)", args[0])
	}
}
