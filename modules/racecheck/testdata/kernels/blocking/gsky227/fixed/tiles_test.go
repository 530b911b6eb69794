package gsky227

import (
	"context"
	"runtime"
	"testing"
)

func TestMergeCancelledRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// The HTTP client goes away while the tiles are being fetched.
	go func() {
		for range 6 {
			runtime.Gosched()
		}
		cancel()
	}()
	tiles, err := Merge(ctx, 8)
	if err == nil && len(tiles) != 8 {
		t.Fatalf("Merge returned %d tiles and no error, want 8", len(tiles))
	}
	if err != nil && err != context.Canceled {
		t.Fatalf("Merge() error = %v, want %v", err, context.Canceled)
	}
}
