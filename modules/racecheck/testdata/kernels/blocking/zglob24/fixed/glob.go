// Package zglob24 reconstructs a goroutine leak in mattn/go-zglob: the
// directory walkers stream matches on an unbuffered channel, and when one
// walker reports an error, Glob returns it at once; the other walkers stay
// blocked on their next send, and the goroutine that closes the channel after
// they finish waits for them forever.
//
//   - Project: mattn/go-zglob (zglob.go)
//   - Bug report: https://github.com/mattn/go-zglob/pull/23#issuecomment-406626560
//   - Fix: https://github.com/mattn/go-zglob/pull/24 (after an error, the results are drained so the walkers can finish)
//   - Shape: a consumer returns on the first error while producers still
//     send on an unbuffered channel (errgroup-like first-error return).
//   - Fixed twin: after an error Glob drains the matches channel in a
//     goroutine until it is closed (the upstream fix), so every walker
//     finishes and the closing goroutine returns.
package zglob24

import (
	"errors"
	"sync"
)

// ErrPermission is returned for a directory that cannot be read.
var ErrPermission = errors.New("permission denied")

// Dir is a directory tree to walk: its file names, or an error after the
// first Files entries.
type Dir struct {
	Files []string
	Err   error
}

// Glob walks every directory concurrently and returns all file names, or
// the first error.
func Glob(dirs []Dir) ([]string, error) {
	matches := make(chan string)
	errs := make(chan error, len(dirs))
	var wg sync.WaitGroup
	for _, d := range dirs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range d.Files {
				matches <- f
			}
			if d.Err != nil {
				errs <- d.Err
			}
		}()
	}
	go func() {
		wg.Wait()
		close(matches)
	}()
	var found []string
	for {
		select {
		case m, ok := <-matches:
			if !ok {
				return found, nil
			}
			found = append(found, m)
		case err := <-errs:
			// Let the other walkers finish: drain until the channel closes.
			go func() {
				for range matches {
				}
			}()
			return nil, err
		}
	}
}
