// Package cockroach112374 reconstructs a goroutine leak in CockroachDB's cdc
// roachtest: a channel added to report that a monitored task finished was
// unbuffered and written with a deferred send, so when the caller stopped
// listening (it had already given up on the task), the task's goroutine
// blocked forever on that send.
//
//   - Project: cockroachdb/cockroach (pkg/cmd/roachtest/tests/cdc.go)
//   - Bug report: https://github.com/cockroachdb/cockroach/issues/112374
//   - Fix: https://github.com/cockroachdb/cockroach/pull/112416 (termination is signalled by closing the channel)
//   - Shape: a deferred send on an unbuffered "finished" channel whose caller
//     may stop receiving.
//   - Manifests as: a leaked goroutine blocked in chan send on the runs where
//     the caller's context is cancelled before the task ends; the test passes.
package cockroach112374

import "context"

// startTask runs f in a new goroutine and returns a channel on which the end
// of f is signalled.
func startTask(ctx context.Context, f func(context.Context) error) <-chan struct{} {
	finished := make(chan struct{})
	go func() {
		defer func() {
			finished <- struct{}{}
		}()
		_ = f(ctx)
	}()
	return finished
}

// RunChangefeed starts a feed task and waits for it until ctx is done.
func RunChangefeed(ctx context.Context, feed func(context.Context) error) bool {
	finished := startTask(ctx, feed)
	select {
	case <-finished:
		return true
	case <-ctx.Done():
		return false
	}
}
