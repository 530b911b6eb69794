package grpc5644

import (
	"sync"
	"testing"
)

func TestGoAwayRaceWithNewStream(t *testing.T) {
	for range 20 {
		tr := newHTTP2Client()
		for range 2 {
			if _, ok := tr.NewStream(); !ok {
				t.Fatal("NewStream failed before GOAWAY")
			}
		}
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			tr.handleGoAway(0)
		}()
		go func() {
			defer wg.Done()
			tr.NewStream()
		}()
		wg.Wait()
	}
}
