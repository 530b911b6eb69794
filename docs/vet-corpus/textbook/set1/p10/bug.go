// Package p10 is a per-window API quota limiter.
//
// BUG: Allow Loads the used count, compares it with the limit, then Adds one.
// With one call left in the window, many concurrent requests all Load
// limit-1, all pass and all Add: the customer exceeds the paid quota and the
// downstream API bills us for the overage.
package p10

import (
	"sync/atomic"
	"time"
)

// Quota is safe for concurrent use.
type Quota struct {
	limit int64
	used  atomic.Int64
}

// NewQuota returns a quota of limit calls per window; a goroutine resets it.
func NewQuota(limit int64, window time.Duration) *Quota {
	q := &Quota{limit: limit}
	go func() {
		for range time.Tick(window) {
			q.used.Store(0)
		}
	}()
	return q
}

// Allow reports whether one more call is permitted, and counts it.
func (q *Quota) Allow() bool {
	if q.used.Load() >= q.limit {
		return false
	}
	q.used.Add(1)
	return true
}
