// Package gsky227 reconstructs a goroutine leak in GSKY, a geospatial data
// server: tile workers report failures on an error channel with a fixed
// buffer, and the merger returns on the first error; when a cancelled
// request makes more workers fail than the buffer holds, the rest block on
// the send forever.
//
//   - Project: nci/gsky (processor/tile_grpc.go)
//   - Bug report and fix: https://github.com/nci/gsky/pull/227 and
//     https://github.com/nci/gsky/pull/231 (the error channel gets a buffer
//     as large as the number of workers)
//   - Shape: goroutines blocked on a full buffered channel after its reader
//     returned early.
//   - Manifests as: leaked goroutines blocked in chan send on the runs where
//     more than two workers observe the cancellation; the test passes.
package gsky227

import (
	"context"
	"runtime"
)

// fetchTile stands for the gRPC call a worker makes for one granule.
func fetchTile(ctx context.Context, granule int) (string, error) {
	for range granule % 4 {
		runtime.Gosched()
	}
	if err := ctx.Err(); err != nil {
		return "", err
	}
	return "tile", nil
}

// Merge fetches every granule and returns the tiles, or the first error.
func Merge(ctx context.Context, granules int) ([]string, error) {
	tiles := make(chan string, granules)
	errs := make(chan error, 2)
	for g := range granules {
		go func() {
			tile, err := fetchTile(ctx, g)
			if err != nil {
				errs <- err
				return
			}
			tiles <- tile
		}()
	}
	var out []string
	for range granules {
		select {
		case t := <-tiles:
			out = append(out, t)
		case err := <-errs:
			return nil, err
		}
	}
	return out, nil
}
