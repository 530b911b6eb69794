// Command pinsetup points the reusable workflow and the race-fuzz composite
// action at the last commit that changed the setup-racecheck action (see
// release.PinSetup). A reusable workflow cannot use an action of its own
// repository by relative path, so it pins it by commit like any other
// action; run this after committing a change to setup-racecheck, then commit
// the templates.
//
// Usage, from the tools directory:
//
//	go run ./cmd/pinsetup [-root ..]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	"github.com/raceproof/raceproof/tools/release"
)

func main() {
	root := flag.String("root", "..", "repository root")
	flag.Parse()
	sha, err := release.PinSetup(context.Background(), *root)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("setup-racecheck pinned at %s in %v\n", sha, release.SetupUsers)
}
