package atomicflags

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// An atomic count kept under a bound by a Load, a comparison, then an Add.
// bsm/redislock retry.go at a5b74832 (fixed in e6c775e6, redislock#92):
// concurrent NextBackoffs on one strategy all pass at max-1 and all retry.
type retryStrategy interface{ NextBackoff() time.Duration }

type limitedRetry struct {
	s   retryStrategy
	cnt atomic.Int64
	max int64
}

func (r *limitedRetry) NextBackoff() time.Duration {
	if r.cnt.Load() >= r.max {
		return 0
	}
	r.cnt.Add(1) // want `r.cnt.Add\(1\) after the bound check on line 22 is not atomic with it: callers that load r.cnt below r.max all pass the check, and all add`
	return r.s.NextBackoff()
}

// The fix: add first, compare what Add returns.
func (r *limitedRetry) nextBackoffFixed() time.Duration {
	if r.cnt.Add(1) > r.max {
		return 0
	}
	return r.s.NextBackoff()
}

// The same with the function forms and a local holding the load.
type admission struct {
	inflight int32
	limit    int32
}

func (a *admission) Enter() bool {
	n := atomic.LoadInt32(&a.inflight)
	if a.limit <= n {
		return false
	}
	atomic.AddInt32(&a.inflight, 1) // want `atomic.AddInt32\(&a.inflight, 1\) after the bound check on line 45`
	return true
}

// Near-misses: the release (a negative add), a check for zero, a check and
// an add under one lock, and a CompareAndSwap loop.
func (a *admission) Leave() {
	if atomic.LoadInt32(&a.inflight) >= a.limit {
		return
	}
	atomic.AddInt32(&a.inflight, -1)
}

type drained struct {
	mu      sync.Mutex
	pending atomic.Int64
	max     int64
}

func (d *drained) Start() bool {
	if d.pending.Load() <= 0 {
		return false
	}
	d.pending.Add(1)
	return true
}

func (d *drained) StartGuarded() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pending.Load() >= d.max {
		return false
	}
	d.pending.Add(1)
	return true
}

func (d *drained) StartCAS() bool {
	for {
		n := d.pending.Load()
		if n >= d.max {
			return false
		}
		if d.pending.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// Near-miss: a limit its author lets races exceed, and says so (grpc-go's
// xDS ClusterRequestsCounter.StartRequest).
func (a *admission) EnterSoft() error {
	// Note that during race, the limit could be exceeded. This is allowed.
	if atomic.LoadInt32(&a.inflight) >= a.limit {
		return errors.New("too many requests")
	}
	atomic.AddInt32(&a.inflight, 1)
	return nil
}

// A floor kept the same way: a balance loaded, compared with the amount,
// then subtracted from. Two withdrawals that both load enough both pass,
// and the balance goes below zero.
var walletBalance int64

func withdraw(amount int64) bool {
	if atomic.LoadInt64(&walletBalance) < amount {
		return false
	}
	atomic.AddInt64(&walletBalance, -amount) // want `atomic.AddInt64\(&walletBalance, -amount\) after the check of walletBalance against amount on line 114 is not atomic with it: callers that all load enough pass the check together, and all subtract, taking it below what the check allows`
	return true
}

type tokens struct{ n atomic.Int64 }

func (t *tokens) take() bool {
	if t.n.Load() <= 0 {
		return false
	}
	t.n.Add(-1) // want `t.n.Add\(-1\) after the check of t.n against 0 on line 124`
	return true
}

// The fix: subtract first, and add back what a short balance cannot give.
func withdrawFixed(amount int64) bool {
	if atomic.AddInt64(&walletBalance, -amount) < 0 {
		atomic.AddInt64(&walletBalance, amount)
		return false
	}
	return true
}

// Near-misses: an add after a floor check (a count started where there is
// some, drained.Start above), and a CompareAndSwap loop.
func (t *tokens) takeCAS() bool {
	for {
		n := t.n.Load()
		if n <= 0 {
			return false
		}
		if t.n.CompareAndSwap(n, n-1) {
			return true
		}
	}
}
