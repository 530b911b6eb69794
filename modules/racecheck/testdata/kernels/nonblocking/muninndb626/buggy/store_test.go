package muninndb626

import (
	"sync"
	"testing"
)

func TestConcurrentConfidenceUpdates(t *testing.T) {
	e := NewEngrams(NewStore())
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 2 { // the confidence worker and a contradiction trigger
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for range 100 {
				e.UpdateConfidence("engram-1", 10)
			}
		}()
	}
	close(start)
	wg.Wait()
	if got := e.store.Get("engram-1"); got != 2000 {
		t.Fatalf("confidence = %d, want 2000 (%d updates lost)", got, (2000-got)/10)
	}
}
