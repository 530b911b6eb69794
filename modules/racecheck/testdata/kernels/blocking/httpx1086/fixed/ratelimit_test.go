package httpx1086

import "testing"

func TestRunProbesEveryTarget(t *testing.T) {
	r := &Runner{RatePerSecond: 100}
	for range 3 {
		if got := r.Run([]string{"a.example", "b.example"}); len(got) != 2 {
			t.Fatalf("Run found %d targets, want 2", len(got))
		}
	}
}
