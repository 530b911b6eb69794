package p10

import "sync/atomic"

// QuotaFixed is safe for concurrent use.
type QuotaFixed struct {
	limit int64
	used  atomic.Int64
}

// AllowFixed reports whether one more call is permitted, and counts it, with
// a compare-and-swap loop so the check and the increment are atomic.
func (q *QuotaFixed) AllowFixed() bool {
	for {
		n := q.used.Load()
		if n >= q.limit {
			return false
		}
		if q.used.CompareAndSwap(n, n+1) {
			return true
		}
	}
}
