package checkthenact

import (
	"sync"
	"time"
)

// Keys collected by m.Range because of the value it saw, deleted after it:
// a session renewed in between (a new value stored for the key) is
// deleted with the expired one.
type sweptSession struct{ expires time.Time }

type sweptSessions struct {
	m sync.Map
}

func (s *sweptSessions) renew(id string) {
	s.m.Store(id, &sweptSession{expires: time.Now().Add(time.Hour)})
}

func (s *sweptSessions) sweep(now time.Time) {
	var expired []string
	s.m.Range(func(k, v any) bool {
		if v.(*sweptSession).expires.Before(now) {
			expired = append(expired, k.(string))
		}
		return true
	})
	for _, id := range expired {
		s.m.Delete(id) // want `s.m.Delete\(id\) of a key s.m.Range on line 23 collected, decided there by the value it saw, is not atomic with it: another goroutine can store a new value for the key in between, and this Delete removes it; use CompareAndDelete with the value the scan saw`
	}
}

// The fix: delete only the value the scan saw.
func (s *sweptSessions) sweepFixed(now time.Time) {
	type seen struct {
		id string
		v  any
	}
	var expired []seen
	s.m.Range(func(k, v any) bool {
		if v.(*sweptSession).expires.Before(now) {
			expired = append(expired, seen{k.(string), v})
		}
		return true
	})
	for _, e := range expired {
		s.m.CompareAndDelete(e.id, e.v)
	}
}

// Near-miss: every key is collected, whatever its value; deleting them all
// is what the function is for.
func (s *sweptSessions) clear() {
	var all []string
	s.m.Range(func(k, v any) bool {
		all = append(all, k.(string))
		return true
	})
	for _, id := range all {
		s.m.Delete(id)
	}
}
