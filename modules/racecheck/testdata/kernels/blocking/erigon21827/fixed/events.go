// Package erigon21827 reconstructs a lost wake-up in Erigon's Polygon sync
// event channel: a goroutine waits on a condition variable in a loop until
// an event is queued or its context is done; when the context is cancelled,
// the canceller signals the condition without holding the mutex, so the
// signal can fall between the waiter's check of ctx.Err() and its call to
// Wait, and the waiter sleeps forever.
//
//   - Project: erigontech/erigon (polygon/sync/event_channel.go)
//   - Bug report and fix: https://github.com/erigontech/erigon/pull/21827
//     (the mutex is taken around Signal)
//   - Shape: a predicate that changes outside the condition variable's mutex,
//     and Signal sent without holding that mutex.
//   - Fixed twin: the canceller takes the mutex around Signal (the upstream
//     fix), so it waits until the waiter is inside Wait or has already seen
//     the cancellation.
package erigon21827

import (
	"context"
	"fmt"
	"sync"
)

// EventChannel is an unbounded queue of events with a blocking wait.
type EventChannel struct {
	mu    sync.Mutex
	cond  *sync.Cond
	queue []string
	log   []string // debug log of waits, guarded by mu
}

// NewEventChannel returns an empty channel.
func NewEventChannel() *EventChannel {
	ec := &EventChannel{}
	ec.cond = sync.NewCond(&ec.mu)
	return ec
}

// Push queues an event and wakes a waiter.
func (ec *EventChannel) Push(e string) {
	ec.mu.Lock()
	ec.queue = append(ec.queue, e)
	ec.mu.Unlock()
	ec.cond.Signal()
}

// waitForEvent blocks until an event is queued or ctx is done.
func (ec *EventChannel) waitForEvent(ctx context.Context) error {
	waitCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		ec.mu.Lock()
		defer ec.mu.Unlock()
		for len(ec.queue) == 0 && waitCtx.Err() == nil {
			ec.log = append(ec.log, fmt.Sprintf("waiting for events (queue %d)", len(ec.queue)))
			ec.cond.Wait()
		}
	}()
	<-ctx.Done()
	cancel()
	ec.mu.Lock()
	ec.cond.Signal()
	ec.mu.Unlock()
	return ctx.Err()
}
