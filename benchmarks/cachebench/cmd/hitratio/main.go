// Command hitratio replays cache traces against every cache and prints a
// hit-ratio table (percent) as Markdown: the synthetic traces, the real
// traces kept in benchmarks/cachebench/testdata, and any trace files named
// with -file.
//
//	go run ./benchmarks/cachebench/cmd/hitratio
//	go run ./benchmarks/cachebench/cmd/hitratio -synthetic=false \
//		-file 'loop=lirs:/path/to/loop.trace.gz:256,512,1024'
//
// Every replay is single-threaded: get, then set on a miss; the hit ratio is
// hits ÷ accesses. The last column, OPT, is Belady's clairvoyant optimum for
// the capacity, which bounds every other column.
package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/raceproof/raceproof/benchmarks/cachebench"
)

// fileTrace is a trace named on the command line.
type fileTrace struct {
	name       string
	format     cachebench.TraceFormat
	path       string
	capacities []int
}

type fileFlags []fileTrace

func (f *fileFlags) String() string { return fmt.Sprint(len(*f), " files") }

// Set parses name=format:path:cap,cap,….
func (f *fileFlags) Set(s string) error {
	name, rest, ok := strings.Cut(s, "=")
	parts := strings.Split(rest, ":")
	if !ok || len(parts) != 3 {
		return fmt.Errorf("want name=format:path:cap,cap,…, got %q", s)
	}
	format, err := cachebench.ParseTraceFormat(parts[0])
	if err != nil {
		return err
	}
	t := fileTrace{name: name, format: format, path: parts[1]}
	for c := range strings.SplitSeq(parts[2], ",") {
		n, err := strconv.Atoi(c)
		if err != nil || n <= 0 {
			return fmt.Errorf("capacity %q in %q: want a positive integer", c, s)
		}
		t.capacities = append(t.capacities, n)
	}
	*f = append(*f, t)
	return nil
}

func main() {
	only := flag.String("trace", "", "replay only traces whose name contains this")
	implFilter := flag.String("impl", "", "comma-separated implementations to replay (default all)")
	synthetic := flag.Bool("synthetic", true, "replay the synthetic traces")
	real := flag.Bool("real", true, "replay the real traces kept in testdata")
	runs := flag.Int("runs", 1, "replays per cell; each builds a fresh cache (fresh hash seeds) and the cell is their mean")
	var files fileFlags
	flag.Var(&files, "file", "also replay a trace file: name=format:path:cap,cap,… (format: arc, lirs, u64be, u32be, address); repeatable")
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintln(os.Stderr, "hitratio: -runs must be at least 1")
		os.Exit(2)
	}
	if err := run(*only, *implFilter, *synthetic, *real, *runs, files); err != nil {
		fmt.Fprintln(os.Stderr, "hitratio:", err)
		os.Exit(1)
	}
}

func run(only, implFilter string, synthetic, real bool, runs int, files []fileTrace) error {
	impls := cachebench.Impls
	if implFilter != "" {
		impls = nil
		for _, impl := range cachebench.Impls {
			for name := range strings.SplitSeq(implFilter, ",") {
				if impl.Name == name {
					impls = append(impls, impl)
				}
			}
		}
	}
	if v := cachebench.PeerVersionLine(); v != "" {
		fmt.Printf("peers: %s\n\n", v)
	}
	fmt.Print("| trace | capacity |")
	for _, impl := range impls {
		fmt.Printf(" %s |", impl.Name)
	}
	fmt.Print(" OPT |\n|---|---|")
	for range impls {
		fmt.Print("---|")
	}
	fmt.Println("---|")
	row := func(name string, capacity int, keys []uint64) {
		fmt.Printf("| %s | %s |", name, cachebench.CapName(capacity))
		for _, impl := range impls {
			sum := 0.0
			for range runs {
				sum += cachebench.ReplayNew(impl, capacity, keys)
			}
			fmt.Printf(" %.2f |", sum/float64(runs))
		}
		fmt.Printf(" %.2f |\n", cachebench.OptimalHitRatio(keys, capacity))
	}
	if real {
		for _, tr := range cachebench.RealTraces {
			if !strings.Contains(tr.Name, only) {
				continue
			}
			keys, err := tr.Keys()
			if err != nil {
				return err
			}
			for _, capacity := range tr.Capacities {
				row(tr.Name, capacity, keys)
			}
		}
	}
	for _, f := range files {
		if !strings.Contains(f.name, only) {
			continue
		}
		keys, err := cachebench.ReadTraceFile(f.path, f.format)
		if err != nil {
			return err
		}
		for _, capacity := range f.capacities {
			row(f.name, capacity, keys)
		}
	}
	if synthetic {
		for _, tr := range cachebench.Traces {
			if !strings.Contains(tr.Name, only) {
				continue
			}
			for _, capacity := range cachebench.Capacities {
				row(tr.Name, capacity, tr.Gen(capacity))
			}
		}
	}
	return nil
}
