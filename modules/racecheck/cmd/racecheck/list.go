package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/raceproof/raceproof/modules/racecheck/runner"
)

func listCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("racecheck list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print a JSON array of {module, package, target}")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	dirs := fs.Args()
	if len(dirs) == 0 {
		dirs = []string{"."}
	}
	targets, err := runner.List(ctx, "go", dirs)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if *asJSON {
		if targets == nil {
			targets = []runner.Target{}
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(targets); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		return 0
	}
	for _, t := range targets {
		fmt.Fprintf(stdout, "%s\t%s\n", t.Package, t.Name)
	}
	return 0
}
