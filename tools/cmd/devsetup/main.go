// Command devsetup installs what `go tool mage test` needs besides Go, or
// fails with the exact commands to run (see package devsetup). It is the
// first step of `go tool mage test` (`go tool mage setup`).
//
// Usage, from the tools directory:
//
//	go run ./cmd/devsetup [-npm dir]
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/raceproof/raceproof/tools/devsetup"
)

func main() {
	npmDir := flag.String("npm", ".", "directory holding the package.json and package-lock.json to install with npm ci")
	flag.Parse()
	sys := devsetup.OS{}
	plan, err := devsetup.MakePlan(sys, *npmDir)
	if err == nil {
		err = devsetup.Apply(sys, plan, os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
