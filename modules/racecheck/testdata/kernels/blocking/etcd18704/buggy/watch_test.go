package etcd18704

import (
	"runtime"
	"testing"
)

func TestCancelWatchStream(t *testing.T) {
	reqs := make(chan string)
	gone := make(chan struct{})
	// The client sends its requests at its own pace; its stream ends (Recv
	// returns EOF on the server) when it goes away.
	go func() {
		defer close(reqs)
		for _, r := range []string{"create", "progress", "progress", "cancel"} {
			select {
			case reqs <- r:
			case <-gone:
				return
			}
			runtime.Gosched()
		}
	}()
	ws := newWatchStream(func() (string, bool) {
		r, ok := <-reqs
		return r, ok
	})
	if got := <-ws.resps; got != "create ok" {
		t.Fatalf("first response = %q, want %q", got, "create ok")
	}
	// The client cancels after its first response.
	close(gone)
	ws.close()
}
