package supervisord223

import "testing"

func TestStartAndWait(t *testing.T) {
	for range 50 {
		p := NewProcess()
		p.Start(true)
		if got := p.State(); got != "RUNNING" {
			t.Fatalf("state after Start(true) = %s, want RUNNING", got)
		}
	}
}
