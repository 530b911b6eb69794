package pitaya85

import (
	"sync"
	"testing"
)

func TestDisconnectDuringHeartbeatTimeout(t *testing.T) {
	for range 10 {
		a := NewAgent()
		var wg sync.WaitGroup
		closed := make([]error, 2)
		for i := range 2 { // the client disconnects as its heartbeat times out
			wg.Add(1)
			go func() {
				defer wg.Done()
				closed[i] = a.Close()
			}()
		}
		wg.Wait()
		<-a.Die()
		if (closed[0] == nil) == (closed[1] == nil) {
			t.Fatalf("Close results %v, want exactly one success", closed)
		}
	}
}
