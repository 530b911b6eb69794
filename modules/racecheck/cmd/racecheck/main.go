// Command racecheck runs a Go workspace's tests under the race detector and
// every fuzz target one at a time, and reports every way they fail (races,
// failing tests, panics, package failures, timeouts, fuzz crashes, build
// failures) as findings in JSON, JUnit XML, SARIF 2.1.0, GitLab Code Quality,
// GitHub annotations and text, each with a command that replays it.
//
// Usage:
//
//	racecheck run  [flags] [dir ...]   dirs: module roots or a workspace root (default ".")
//	racecheck list [-json] [dir ...]   the fuzz targets found
//	racecheck vet  [-fix] [packages]   the concurrency analyzers (checkthenact, sharedpointer, rangewrite, callbackreentry, readlockwrite)
//	racecheck version
//
// Exit status: 0 clean, 1 findings, 2 a build failure, a tool failure or a
// bad argument (then nothing runs).
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"

	"github.com/raceproof/raceproof/modules/racecheck/vet"
)

// command is one subcommand: it parses args and returns the exit status.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands maps subcommand names to their implementations; adding a
// subcommand is one entry here.
var commands = map[string]command{
	"run":     {"run race tests and fuzz targets and report findings", runCmd},
	"list":    {"list the fuzz targets", listCmd},
	"vet":     {"run the concurrency analyzers that -race cannot replace", vetCmd},
	"version": {"print the racecheck version", versionCmd},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "racecheck: unknown command %q\n", args[0])
		usage(stderr)
		return 2
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// vetCmd runs the analyzers of package vet; it needs no context because
// package loading is not cancellable.
func vetCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	return vet.Run(args, stdout, stderr)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: racecheck <command> [flags] [dir ...]")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "Run 'racecheck <command> -h' for a command's flags.")
}

// version is the module version when installed with go install or go run
// pkg@version, else "devel".
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

func versionCmd(_ context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintf(stderr, "racecheck version: unexpected arguments %s\n", strings.Join(args, " "))
		return 2
	}
	fmt.Fprintln(stdout, "racecheck", version())
	return 0
}
