//go:build unix

package gocmd

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the command in a new process group and makes
// cancellation kill the whole group: the go command's children (compilers,
// test binaries, fuzz workers) die with it. Where the system can (Linux),
// the command is also killed when racecheck itself is (a CI job's hard
// timeout), since its own process group does not get that signal.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	dieWithParent(cmd.SysProcAttr)
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// Quit sends SIGQUIT to the process, which makes a Go program print every
// goroutine's stack and exit.
func Quit(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGQUIT) }
