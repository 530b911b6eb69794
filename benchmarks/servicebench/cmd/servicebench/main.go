// Command servicebench runs the service-level benchmark of
// benchmarks/servicebench and writes its raw output (Go benchmark format).
//
//	servicebench [-quick] [-rates 3000,12000] [-impls sync.Map,safemap.Map] [-duration 3s] [-warmup 500ms] [-rounds 3] [-out file]
//
// go tool mage bench runs it into docs/benchmarks/service-raw.txt and
// regenerates docs/benchmarks.md, whose service-level section
// tools/cmd/benchreport renders from that file.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/benchmarks/servicebench"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("servicebench", flag.ContinueOnError)
	quick := fs.Bool("quick", false, "smoke run: one rate, short windows, one round")
	rates := fs.String("rates", "", "offered rates in requests per second, comma-separated (default: full or quick set)")
	impls := fs.String("impls", "", "implementations, comma-separated (default: all)")
	duration := fs.Duration("duration", servicebench.FullDuration, "measurement window per run")
	warmup := fs.Duration("warmup", servicebench.FullWarmup, "warm-up per run, not recorded")
	rounds := fs.Int("rounds", servicebench.FullRounds, "rounds over the whole grid")
	out := fs.String("out", "", "raw output file (default stdout)")
	command := fs.String("command", servicebench.DefaultCommand, "reproduce command recorded in the output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o := servicebench.SuiteOptions{Rates: servicebench.FullRates, Duration: *duration, Warmup: *warmup, Rounds: *rounds, Command: *command}
	if *quick {
		o.Rates, o.Duration, o.Warmup, o.Rounds = servicebench.QuickRates, servicebench.QuickDuration, servicebench.QuickWarmup, servicebench.QuickRounds
	}
	if *rates != "" {
		o.Rates = nil
		for _, f := range strings.Split(*rates, ",") {
			r, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil {
				return fmt.Errorf("servicebench: -rates: %q is not an integer", f)
			}
			o.Rates = append(o.Rates, r)
		}
	}
	if *impls != "" {
		o.Impls = strings.Split(*impls, ",")
	}
	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return servicebench.RunSuite(o, w, os.Stderr)
}
