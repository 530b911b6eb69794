// Package quiet checks, as goleak.VerifyNone does, that no goroutine is left
// running after its test: racecheck's deadlock watch must not be one.
package quiet

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// others returns the stacks of the goroutines other than this one and the
// testing package's main goroutine, as goleak.VerifyNone looks at them.
func others() []string {
	buf := make([]byte, 1<<20)
	all := strings.Split(string(buf[:runtime.Stack(buf, true)]), "\n\n")
	var out []string
	for _, g := range all[1:] { // all[0] is this goroutine
		if !strings.Contains(g, "testing.(*M).Run") {
			out = append(out, g)
		}
	}
	return out
}

func TestNoGoroutineLeftBehind(t *testing.T) {
	time.Sleep(1500 * time.Millisecond) // the watch has run at least once
	for try := 0; ; try++ {
		var ours []string
		for _, g := range others() {
			if strings.Contains(g, "racecheck") {
				ours = append(ours, g)
			}
		}
		if len(ours) == 0 {
			return
		}
		if try == 10 {
			t.Fatalf("a racecheck goroutine is running:\n%s", strings.Join(ours, "\n\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}
