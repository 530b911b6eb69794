package nitro1972

import "testing"

func TestForwardDuringStartup(t *testing.T) {
	var r Router
	out := make(chan string, 1)
	ready := make(chan struct{})
	go func() {
		defer close(ready)
		r.Subscribe(out)
	}()
	// The first block may arrive before the subscriber is set up.
	r.Forward("block 1")
	<-ready
	select {
	case m := <-out:
		t.Logf("delivered %q", m)
	default:
	}
}
