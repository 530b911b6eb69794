package sensu970

import (
	"sync"
	"testing"
)

func TestKeepalivesDuringDeregistration(t *testing.T) {
	for range 20 {
		m := NewMonitor()
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := range 5 {
				m.Reset(seq)
			}
		}()
		t.Logf("recorded %d keepalives", m.Stop())
		wg.Wait()
	}
}
