package semgroup2

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

func TestCancelWhileTasksQueue(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := NewGroup(ctx, 1)
	g.Go(func() error {
		runtime.Gosched()
		return nil
	})
	// The caller gives up while the second task waits for the only slot.
	go cancel()
	ran := false
	g.Go(func() error {
		ran = true
		return nil
	})
	err := g.Wait()
	if !ran && !errors.Is(err, context.Canceled) {
		t.Fatalf("the second task did not run and Wait() = %v, want %v", err, context.Canceled)
	}
}
