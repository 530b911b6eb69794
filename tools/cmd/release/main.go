// Command release checks the pending releases of this repository's modules
// and, with -tag, tags them locally; it never pushes (see package release and
// docs/releasing.md). `go tool mage release` runs it.
//
// Usage, from the tools directory:
//
//	go run ./cmd/release [-root ..] [-tag]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/raceproof/raceproof/tools/release"
)

func main() {
	root := flag.String("root", "..", "repository root")
	tag := flag.Bool("tag", false, "create the tags after every check passed")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	_, err := release.Run(ctx, release.Options{Root: *root, Tag: *tag, Out: os.Stdout})
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
