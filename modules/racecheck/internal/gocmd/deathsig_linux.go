package gocmd

import "syscall"

// dieWithParent has the kernel kill the child when racecheck dies.
func dieWithParent(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
