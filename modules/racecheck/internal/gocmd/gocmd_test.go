package gocmd

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuote(t *testing.T) {
	assert.Equal(t, "go test '-run=^TestX$' ./p -count=1", Quote("go", "test", "-run=^TestX$", "./p", "-count=1"))
	assert.Equal(t, "'-run=^(A|B)$' 'it'\\''s' ''", Quote("-run=^(A|B)$", "it's", ""))
}

func TestEnviron(t *testing.T) {
	env := Environ([]string{"A=1", "GOWORK=/x/go.work", "B=2"}, "GOWORK=off", "C=3")
	assert.Equal(t, []string{"A=1", "B=2", "GOWORK=off", "C=3"}, env)
}

func TestExitCodeAndOutput(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("uses sh")
	}
	ctx := context.Background()
	out, err := Invocation{Path: "sh", Args: []string{"-c", "echo out; echo err >&2; exit 3"}}.Output(ctx)
	assert.Equal(t, "out\n", string(out))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "err", "stderr is in the error")
	assert.Equal(t, 3, ExitCode(err), "found through the wrapping")
	assert.Equal(t, 0, ExitCode(nil))
	assert.Equal(t, -1, ExitCode(context.Canceled))
}

// Cancelling kills the whole process group: a grandchild that would hold
// the output open is gone too, and Run returns promptly.
func TestCancelKillsProcessGroup(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("process groups are Unix")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var out strings.Builder
	inv := Invocation{Path: "sh", Args: []string{"-c", "sleep 30 & sleep 30; wait"}, Stdout: &out, WaitDelay: time.Second}
	t0 := time.Now()
	err := inv.Run(ctx)
	assert.Error(t, err)
	assert.Less(t, time.Since(t0), 10*time.Second)
}
