package istio15876

import (
	"runtime"
	"testing"
	"time"
)

// slowStream stands for a client that reads its stream at a varying pace.
type slowStream struct{ yields int }

func (s slowStream) Send(string) error {
	for range s.yields {
		runtime.Gosched()
	}
	return nil
}

func TestPushWithTimeout(t *testing.T) {
	conn := NewConn(slowStream{yields: 5}, 100*time.Microsecond)
	timeouts := 0
	for range 4 {
		if err := conn.Send("cds"); err == ErrSendTimeout {
			timeouts++
		} else if err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	t.Logf("%d of 4 pushes timed out", timeouts)
}
