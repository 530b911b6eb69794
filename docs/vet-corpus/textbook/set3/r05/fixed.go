package r05

import (
	"context"
	"sync/atomic"
	"time"
)

// ElectorFixed only replaces the exact lease it inspected, via
// CompareAndSwap; a loser of the race sees the winner's fresh lease.
type ElectorFixed struct {
	ttl     time.Duration
	current atomic.Pointer[lease]
}

func NewElectorFixed(ttl time.Duration) *ElectorFixed { return &ElectorFixed{ttl: ttl} }

func (e *ElectorFixed) TryLead(owner string, now time.Time) bool {
	for {
		cur := e.current.Load()
		if !cur.expired(now) {
			return false
		}
		next := &lease{owner: owner, until: now.Add(e.ttl)}
		if e.current.CompareAndSwap(cur, next) {
			return true
		}
		// Someone else changed the lease in between; re-evaluate.
	}
}

func RunShardFixed(ctx context.Context, e *ElectorFixed, shard string, compact func(context.Context)) {
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
