//go:build unix

package gocmd

import (
	"os/exec"
	"syscall"
)

// ownProcessGroup starts the command in a new process group and makes
// cancellation kill the whole group: the go command's children (compilers,
// test binaries, fuzz workers) die with it.
func ownProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}

// Quit sends SIGQUIT to the process, which makes a Go program print every
// goroutine's stack and exit.
func Quit(cmd *exec.Cmd) error { return cmd.Process.Signal(syscall.SIGQUIT) }
