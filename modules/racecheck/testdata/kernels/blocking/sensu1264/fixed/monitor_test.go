package sensu1264

import (
	"testing"
	"time"
)

func TestKeepaliveAfterTimeout(t *testing.T) {
	for range 10 {
		m := NewMonitor(20 * time.Microsecond)
		// One keepalive arrives at about the time the entity times out.
		time.Sleep(20 * time.Microsecond)
		m.Reset(time.Millisecond)
		t.Logf("timeouts: %d", m.Stop())
	}
}
