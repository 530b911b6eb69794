package devsetup

import (
	"os"
	"os/exec"
)

// OS is the System of this process: PATH lookups, commands with their output
// streamed to this process's, and root from the effective user id.
type OS struct{}

// LookPath implements System.
func (OS) LookPath(name string) error {
	_, err := exec.LookPath(name)
	return err
}

// Output implements System.
func (OS) Output(name string, args ...string) (string, error) {
	out, err := exec.Command(name, args...).Output()
	return string(out), err
}

// Run implements System.
func (OS) Run(env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	return cmd.Run()
}

// IsRoot implements System.
func (OS) IsRoot() bool { return os.Geteuid() == 0 }
