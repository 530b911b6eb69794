// Package gocmd runs the go command and test binaries: one small type that
// holds the program, arguments, environment and directory of an invocation,
// starts it in its own process group so that cancelling kills everything
// it started (test binaries, fuzz workers), and bounds how long output
// pipes held open by orphaned children can delay the end (WaitDelay).
package gocmd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// DefaultWaitDelay is how long Run waits, after the process exits or the
// context is done, for its children to close the output pipes before it
// kills them.
const DefaultWaitDelay = 5 * time.Second

// Invocation is one run of a program.
type Invocation struct {
	// Path is the program: "go" (the default) or a test binary.
	Path string
	Args []string
	// Env is the complete environment; nil means the current process's.
	Env []string
	Dir string
	// Stdout and Stderr receive the output; nil discards it.
	Stdout, Stderr io.Writer
	// WaitDelay overrides DefaultWaitDelay.
	WaitDelay time.Duration
}

// Go returns an invocation of the go command with the given verb and
// arguments, e.g. Go(dir, env, "test", "-c", "./...").
func Go(goCmd, dir string, env []string, args ...string) Invocation {
	return Invocation{Path: goCmd, Args: args, Env: env, Dir: dir}
}

// Command builds the exec.Cmd. Cancelling ctx kills the process group.
func (inv Invocation) Command(ctx context.Context) *exec.Cmd {
	path := inv.Path
	if path == "" {
		path = "go"
	}
	cmd := exec.CommandContext(ctx, path, inv.Args...)
	cmd.Dir = inv.Dir
	cmd.Env = inv.Env
	if cmd.Env != nil && inv.Dir != "" {
		cmd.Env = append(cmd.Env[:len(cmd.Env):len(cmd.Env)], "PWD="+inv.Dir)
	}
	cmd.Stdout, cmd.Stderr = inv.Stdout, inv.Stderr
	cmd.WaitDelay = inv.WaitDelay
	if cmd.WaitDelay == 0 {
		cmd.WaitDelay = DefaultWaitDelay
	}
	ownProcessGroup(cmd)
	return cmd
}

// Run runs the invocation to completion.
func (inv Invocation) Run(ctx context.Context) error {
	if err := inv.Command(ctx).Run(); err != nil {
		return fmt.Errorf("%s: %w", inv, err)
	}
	return nil
}

// Output runs the invocation and returns its standard output. On failure
// the error includes what it wrote to standard error.
func (inv Invocation) Output(ctx context.Context) ([]byte, error) {
	var stdout, stderr bytes.Buffer
	inv.Stdout, inv.Stderr = &stdout, &stderr
	if err := inv.Command(ctx).Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			return stdout.Bytes(), fmt.Errorf("%s: %w", inv, err)
		}
		return stdout.Bytes(), fmt.Errorf("%s: %w:\n%s", inv, err, msg)
	}
	return stdout.Bytes(), nil
}

// String is the invocation as a shell-like command line, for messages.
func (inv Invocation) String() string {
	path := inv.Path
	if path == "" {
		path = "go"
	}
	s := Quote(append([]string{path}, inv.Args...)...)
	if inv.Dir != "" {
		s += " (in " + inv.Dir + ")"
	}
	return s
}

// Quote joins words into a command line that a POSIX shell splits back
// into the same words.
func Quote(words ...string) string {
	out := make([]string, len(words))
	for i, w := range words {
		out[i] = quoteWord(w)
	}
	return strings.Join(out, " ")
}

func quoteWord(w string) string {
	if w != "" && strings.Trim(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-") == "" {
		return w
	}
	return "'" + strings.ReplaceAll(w, "'", `'\''`) + "'"
}

// ExitCode returns the exit status of a finished process from the error
// Run or Wait returned (possibly wrapped): its code, -1 when a signal killed
// it or it did not run, and 0 for a nil error.
func ExitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

// Environ returns the current environment with the given variables set,
// replacing earlier values.
func Environ(base []string, set ...string) []string {
	if base == nil {
		base = os.Environ()
	}
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		replaced := false
		for _, s := range set {
			if n, _, _ := strings.Cut(s, "="); n == name {
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, kv)
		}
	}
	return append(out, set...)
}
