package atomicflags

import (
	"errors"
	"sync/atomic"
)

// The count compared with what the caller is about to add
// (q.used.Load()+n > q.limit), then added to: uploads that all find room
// for their own size all add, and the tenant's storage quota is
// overshot (textbook set 6, t04).

var errQuota = errors.New("quota exceeded")

type storageQuota struct {
	limit int64
	used  atomic.Int64
}

func (q *storageQuota) Reserve(n int64) error {
	if q.used.Load()+n > q.limit {
		return errQuota
	}
	q.used.Add(n) // want `q.used.Add\(n\) after the bound check on line 21 is not atomic with it: callers that load q.used below q.limit all pass the check, and all add`
	return nil
}

// Near-miss: the fix adds first and compares what Add answers.
func (q *storageQuota) ReserveFixed(n int64) error {
	if q.used.Add(n) > q.limit {
		q.used.Add(-n)
		return errQuota
	}
	return nil
}

// Near-miss: a sum of two loads is no count with an amount.
type twoCounts struct {
	a, b  atomic.Int64
	limit int64
}

func (t *twoCounts) bump() error {
	if t.a.Load()+t.b.Load() > t.limit {
		return errQuota
	}
	t.a.Add(1)
	return nil
}
