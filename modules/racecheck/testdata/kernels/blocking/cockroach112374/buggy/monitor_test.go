package cockroach112374

import (
	"context"
	"runtime"
	"testing"
)

func TestChangefeedTerminates(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	feed := func(context.Context) error {
		for range 3 {
			runtime.Gosched()
		}
		return nil
	}
	// The test's own shutdown races with the feed finishing.
	go cancel()
	t.Logf("feed finished before shutdown: %v", RunChangefeed(ctx, feed))
}
