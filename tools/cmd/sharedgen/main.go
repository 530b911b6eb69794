// Command sharedgen writes the packages of tools/shared into the modules
// that use them (see package sharedgen); `go generate ./shared` in tools and
// `go tool mage generate` run it. With -check it writes nothing and fails if
// a copy differs from its source.
//
// Usage, from the tools directory:
//
//	go run ./cmd/sharedgen [-root ..] [-check]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/raceproof/raceproof/tools/sharedgen"
)

func main() {
	root := flag.String("root", "..", "repository root")
	check := flag.Bool("check", false, "only check that every copy matches its source")
	flag.Parse()
	run := sharedgen.Generate
	if *check {
		run = sharedgen.Check
	}
	if err := run(*root, sharedgen.Targets); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
