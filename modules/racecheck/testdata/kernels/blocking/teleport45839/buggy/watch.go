// Package teleport45839 reconstructs a hang in Teleport caused by the
// documented-but-wrong time.Timer drain idiom: after Stop returned false, the
// code received from t.C to drain it, but the timer's value had already been
// received by the select that timed out, so the drain blocked forever.
//
//   - Project: gravitational/teleport
//   - Bug report and fix: https://github.com/gravitational/teleport/pull/45839
//     (the drain is a select with a default case)
//   - Shape: timer misuse: `if !t.Stop() { <-t.C }` after the expiry was
//     already consumed.
//   - Manifests as: a leaked goroutine blocked forever on the timer channel,
//     on the runs where the wait times out before the event arrives; the test
//     passes.
package teleport45839

import (
	"errors"
	"time"
)

// ErrTimeout is returned when no event arrived in time.
var ErrTimeout = errors.New("timed out waiting for event")

// waitForEvent returns the next event, or ErrTimeout after timeout.
func waitForEvent(events <-chan string, timeout time.Duration) (string, error) {
	t := time.NewTimer(timeout)
	defer func() {
		if !t.Stop() {
			<-t.C
		}
	}()
	select {
	case e := <-events:
		return e, nil
	case <-t.C:
		return "", ErrTimeout
	}
}

// Watcher reports the first event of every watch on results.
type Watcher struct {
	Timeout time.Duration
	results chan error
}

// NewWatcher returns a watcher with the given per-event timeout.
func NewWatcher(timeout time.Duration) *Watcher {
	return &Watcher{Timeout: timeout, results: make(chan error, 16)}
}

// Watch waits for the first event of events in the background.
func (w *Watcher) Watch(events <-chan string) {
	go func() {
		_, err := waitForEvent(events, w.Timeout)
		w.results <- err
	}()
}
