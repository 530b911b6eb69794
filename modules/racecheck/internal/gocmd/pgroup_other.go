//go:build !unix

package gocmd

import (
	"os"
	"os/exec"
)

func ownProcessGroup(*exec.Cmd) {}

// Quit stops the process. Without SIGQUIT (outside Unix) there is no
// goroutine dump.
func Quit(cmd *exec.Cmd) error { return cmd.Process.Signal(os.Kill) }
