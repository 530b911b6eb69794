package gocmd

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestChildDiesWithRacecheck: a child runs in a process group of its own,
// so a SIGKILL of racecheck (a CI job's hard timeout) reached neither it nor
// its group, and a hung test binary lived on until its own timeout. The
// kernel now kills it when racecheck dies.
func TestChildDiesWithRacecheck(t *testing.T) {
	if os.Getenv("GOCMD_TEST_PARENT") == "1" {
		// The stand-in for racecheck: start a long child, say its PID,
		// wait to be killed.
		cmd := Invocation{Path: "sleep", Args: []string{"60"}}.Command(context.Background())
		if err := cmd.Start(); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	parent := exec.Command(os.Args[0], "-test.run=^TestChildDiesWithRacecheck$")
	parent.Env = append(os.Environ(), "GOCMD_TEST_PARENT=1")
	out, err := parent.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, parent.Start())
	line := make([]byte, 32)
	n, err := out.Read(line)
	require.NoError(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(line[:n])))
	require.NoError(t, err, "%q", line[:n])
	require.NoError(t, parent.Process.Kill())
	parent.Wait()
	deadline := time.Now().Add(10 * time.Second)
	for syscall.Kill(pid, 0) == nil {
		// A killed child stays a zombie of init for a moment at most.
		if b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); strings.Contains(string(b), ") Z ") {
			return
		}
		require.True(t, time.Now().Before(deadline), "the child %d outlived its parent by 10s", pid)
		time.Sleep(50 * time.Millisecond)
	}
}
