package runner

import (
	"testing"
	"time"
)

// SetOverrunGrace shortens the grace a binary gets past its -timeout for
// the rest of t, so tests of a blocked binary need not wait go test's
// minute.
func SetOverrunGrace(t testing.TB, d time.Duration) {
	old := overrunGrace
	overrunGrace = d
	t.Cleanup(func() { overrunGrace = old })
}
