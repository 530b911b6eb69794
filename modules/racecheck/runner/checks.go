package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/format"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/raceproof/raceproof/modules/racecheck/internal/gocmd"
)

// ErrUntidy is wrapped by Tidy's error when a go.mod or go.sum is not what
// go mod tidy would write.
var ErrUntidy = errors.New("go.mod or go.sum is not tidy")

// ErrUnformatted is wrapped by CheckFormat's error when files need gofmt.
var ErrUnformatted = errors.New("files are not gofmt-formatted")

// CheckFormat reports every .go file of the workspace's modules whose
// contents differ from gofmt's output. It skips directories the go command
// ignores (testdata, names starting with "." or "_") and directories that
// hold their own go.mod (nested modules are checked as modules of their
// own). The error names each file, relative to the workspace directory.
func CheckFormat(ws Workspace) error {
	var bad []string
	for _, m := range ws.Modules {
		err := filepath.WalkDir(m.Dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if path == m.Dir {
					return nil
				}
				name := d.Name()
				if name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
					return filepath.SkipDir
				}
				if _, err := os.Stat(filepath.Join(path, "go.mod")); err == nil {
					return filepath.SkipDir
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || !d.Type().IsRegular() {
				return nil
			}
			src, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			out, err := format.Source(src)
			if err != nil {
				return fmt.Errorf("racecheck: gofmt %s: %w", rel(ws.Dir, path), err)
			}
			if !bytes.Equal(src, out) {
				bad = append(bad, rel(ws.Dir, path))
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("racecheck: gofmt -l: %d %w:\n  %s", len(bad), ErrUnformatted, strings.Join(bad, "\n  "))
	}
	return nil
}

// Vet runs go vet ./... in every module of the workspace, writing the go
// command's output to out. It runs every module and returns an error naming
// each module that failed.
func Vet(ctx context.Context, goCmd string, ws Workspace, out io.Writer) error {
	var failed []string
	for _, m := range ws.Modules {
		if ok, err := HasPackages(ctx, goCmd, m.Dir, ws.Env()); err != nil {
			fmt.Fprintln(out, err)
			failed = append(failed, m.Path)
			continue
		} else if !ok {
			fmt.Fprintf(out, "racecheck: %s has no packages; nothing to vet\n", rel(ws.Dir, m.Dir))
			continue
		}
		fmt.Fprintf(out, "racecheck: go vet ./... in %s\n", rel(ws.Dir, m.Dir))
		if err := runGo(ctx, goCmd, m.Dir, ws.Env(), out, "vet", "./..."); err != nil {
			failed = append(failed, m.Path)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("racecheck: go vet failed in %s", strings.Join(failed, ", "))
	}
	return nil
}

// Standalone builds and tests every module of the workspace on its own,
// with GOWORK=off, so a module that only works inside the workspace fails.
// The tests run with -short: the point is that the module resolves, builds
// and passes alone; the long end-to-end tests already ran in the race run.
// A module that requires other modules of the workspace gets them as
// described on Alone. It runs every module and returns an error naming each
// module that failed.
func Standalone(ctx context.Context, goCmd string, ws Workspace, out io.Writer) error {
	return withAlone(ctx, goCmd, ws, func(alone *Alone) error {
		return standalone(ctx, goCmd, ws, alone, out)
	})
}

// withAlone runs f with ws's Alone, then closes it.
func withAlone(ctx context.Context, goCmd string, ws Workspace, f func(*Alone) error) (err error) {
	alone, err := NewAlone(ctx, goCmd, ws)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := alone.Close(); err == nil {
			err = cerr
		}
	}()
	return f(alone)
}

func standalone(ctx context.Context, goCmd string, ws Workspace, alone *Alone, out io.Writer) error {
	var failed []string
	for _, m := range ws.Modules {
		env := alone.Env(m)
		if ok, err := HasPackages(ctx, goCmd, m.Dir, env); err != nil {
			fmt.Fprintln(out, err)
			failed = append(failed, m.Path)
			continue
		} else if !ok {
			fmt.Fprintf(out, "racecheck: %s has no packages; nothing to build alone\n", rel(ws.Dir, m.Dir))
			continue
		}
		fmt.Fprintf(out, "racecheck: GOWORK=off go build ./... && go test -short ./... in %s%s\n", rel(ws.Dir, m.Dir), servedNote(alone, m))
		err := runGo(ctx, goCmd, m.Dir, env, out, "build", "./...")
		if err == nil {
			err = runGo(ctx, goCmd, m.Dir, env, out, "test", "-short", "./...")
		}
		if err != nil {
			failed = append(failed, m.Path)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("racecheck: GOWORK=off build or test failed in %s", strings.Join(failed, ", "))
	}
	return nil
}

// Tidy runs go mod tidy -diff (with write, go mod tidy) in every module of
// the workspace, each alone as described on Alone, printing each diff, and
// returns an error naming every module that is not tidy.
func Tidy(ctx context.Context, goCmd string, ws Workspace, write bool, out io.Writer) error {
	return withAlone(ctx, goCmd, ws, func(alone *Alone) error {
		return tidy(ctx, goCmd, ws, alone, write, out)
	})
}

func tidy(ctx context.Context, goCmd string, ws Workspace, alone *Alone, write bool, out io.Writer) error {
	args := []string{"mod", "tidy", "-diff"}
	if write {
		args = args[:2]
	}
	fmt.Fprintf(out, "racecheck: go %s in %d module(s)\n", strings.Join(args, " "), len(ws.Modules))
	var untidy []string
	for _, m := range ws.Modules {
		if write {
			// A sibling served from disk changes with every edit; its old
			// checksums would make go mod tidy refuse the new content.
			if err := alone.forgetSiblingSums(m); err != nil {
				return err
			}
		}
		if err := runGo(ctx, goCmd, m.Dir, alone.Env(m), out, args...); err != nil {
			untidy = append(untidy, m.Path)
		}
	}
	switch {
	case len(untidy) == 0:
		return nil
	case write:
		return fmt.Errorf("racecheck: go mod tidy failed in %s", strings.Join(untidy, ", "))
	default:
		return fmt.Errorf("racecheck: go mod tidy -diff: %w in %s (RACECHECK_TIDY=write go tool mage tidy rewrites them; a checksum mismatch for a workspace module means it changed since the go.sum was written)", ErrUntidy, strings.Join(untidy, ", "))
	}
}

// servedNote says, for a module that requires modules of its workspace,
// that they are served by Alone's proxy.
func servedNote(a *Alone, m Module) string {
	if !a.Served(m) {
		return ""
	}
	return " (its workspace requirements served from their tags or directories)"
}

// HasPackages reports whether the module in dir has any package matched by
// ./... (a module may hold only a magefile or tool directives, and go vet
// and go test fail on an empty pattern).
func HasPackages(ctx context.Context, goCmd, dir string, env []string) (bool, error) {
	out, err := gocmd.Go(goCmd, dir, env, "list", "-e", "./...").Output(ctx)
	if err != nil {
		return false, fmt.Errorf("racecheck: %w", err)
	}
	return len(bytes.TrimSpace(out)) > 0, nil
}

func runGo(ctx context.Context, goCmd, dir string, env []string, out io.Writer, args ...string) error {
	inv := gocmd.Go(goCmd, dir, env, args...)
	inv.Stdout, inv.Stderr = out, out
	return inv.Run(ctx)
}

// rel returns path relative to base when it lies inside base, else path.
func rel(base, path string) string {
	r, err := filepath.Rel(base, path)
	if err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return path
	}
	return filepath.ToSlash(r)
}
