// Package r05 elects, among the shard worker goroutines of one storage
// process, a single "compaction leader" through a time-bounded lease.
//
// BUG (check-then-act on an atomic.Pointer, split across helpers): every
// shard worker periodically calls Elector.TryLead. TryLead asks vacant()
// whether the current lease is missing or expired (an atomic Load) and, if
// so, calls claim(), which installs a fresh lease with an unconditional
// atomic Store. When a lease expires, several shard goroutines wake on their
// tickers at about the same time, all see the lease as vacant, and all
// Store their own lease; each of them gets true back and starts compacting.
// Two compactors then rewrite the same SSTables concurrently, deleting each
// other's output files and losing data.
package r05

import (
	"context"
	"sync/atomic"
	"time"
)

type lease struct {
	owner string
	until time.Time
}

func (l *lease) expired(now time.Time) bool { return l == nil || !now.Before(l.until) }

// Elector is shared by all shard workers of the process.
type Elector struct {
	ttl     time.Duration
	current atomic.Pointer[lease]
}

func NewElector(ttl time.Duration) *Elector { return &Elector{ttl: ttl} }

// vacant reports whether nobody holds a valid lease at now.
func (e *Elector) vacant(now time.Time) bool {
	return e.current.Load().expired(now)
}

func (e *Elector) claim(owner string, now time.Time) {
	e.current.Store(&lease{owner: owner, until: now.Add(e.ttl)})
}

// TryLead makes owner the leader for one lease period if nobody holds a
// valid lease, and reports whether owner now leads. Leases are not renewed:
// leadership rotates between shards as leases run out.
func (e *Elector) TryLead(owner string, now time.Time) bool {
	if !e.vacant(now) {
		return false
	}
	e.claim(owner, now)
	return true
}

// RunShard is started once per shard, each in its own goroutine.
func RunShard(ctx context.Context, e *Elector, shard string, compact func(context.Context)) {
	t := time.NewTicker(e.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if e.TryLead(shard, now) {
				compact(ctx)
			}
		}
	}
}
