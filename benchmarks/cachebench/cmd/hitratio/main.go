// Command hitratio replays the cachebench traces against every cache and
// prints a hit-ratio table (percent) as Markdown.
//
//	go run ./benchmarks/cachebench/cmd/hitratio
package main

import (
	"flag"
	"fmt"
	"strings"

	"github.com/raceproof/raceproof/benchmarks/cachebench"
)

func main() {
	only := flag.String("trace", "", "replay only traces whose name contains this")
	implFilter := flag.String("impl", "", "comma-separated implementations to replay (default all)")
	flag.Parse()
	impls := cachebench.Impls
	if *implFilter != "" {
		impls = nil
		for _, impl := range cachebench.Impls {
			for _, name := range strings.Split(*implFilter, ",") {
				if impl.Name == name {
					impls = append(impls, impl)
				}
			}
		}
	}
	fmt.Print("| trace | capacity |")
	for _, impl := range impls {
		fmt.Printf(" %s |", impl.Name)
	}
	fmt.Print("\n|---|---|")
	for range impls {
		fmt.Print("---|")
	}
	fmt.Println()
	for _, tr := range cachebench.Traces {
		if !strings.Contains(tr.Name, *only) {
			continue
		}
		for _, capacity := range cachebench.Capacities {
			keys := tr.Gen(capacity)
			fmt.Printf("| %s | %s |", tr.Name, cachebench.CapName(capacity))
			for _, impl := range impls {
				c := impl.New(capacity)
				ratio := cachebench.Replay(c, keys)
				c.Close()
				fmt.Printf(" %.2f |", ratio)
			}
			fmt.Println()
		}
	}
}
