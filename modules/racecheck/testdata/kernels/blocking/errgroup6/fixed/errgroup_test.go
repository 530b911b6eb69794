package errgroup6

import "testing"

func TestDispatcherStartsWorkers(t *testing.T) {
	var g Group
	g.Go(func() error {
		// The dispatcher starts a worker for the work it receives.
		g.Go(func() error { return nil })
		return nil
	})
	if err := g.Wait(); err != nil {
		t.Fatalf("Wait: %v", err)
	}
}
