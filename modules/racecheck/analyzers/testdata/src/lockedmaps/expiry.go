package lockedmaps

import (
	"sync"
	"time"
)

// grafana/dskit#909's shape written in one function (the bug split it
// between removeExpiredConnection and a getter, see lockedhelpers): the
// state is got or created under the lock, tested after the lock is
// released, and deleted under the lock taken again. The store on the
// absent branch writes the entry; it does not look at it again.
type ttlState struct {
	created time.Time
	ttl     time.Duration
}

type ttlTable struct {
	mu     sync.Mutex
	states map[string]*ttlState
	closed int
}

func (t *ttlTable) removeExpired(conn string) bool {
	t.mu.Lock()
	s, ok := t.states[conn]
	if !ok {
		s = &ttlState{created: time.Now(), ttl: time.Minute}
		t.states[conn] = s
	}
	t.mu.Unlock()
	if time.Since(s.created) < s.ttl {
		return false
	}
	t.mu.Lock()
	delete(t.states, conn) // want `delete\(t.states, conn\) after t.states\[conn\] on line 26 is decided by the loaded value`
	t.mu.Unlock()
	t.closed++
	return true
}

// Near-miss: the delete looks again under the lock it is made with.
func (t *ttlTable) removeExpiredChecked(conn string) bool {
	t.mu.Lock()
	s, ok := t.states[conn]
	if !ok {
		s = &ttlState{created: time.Now(), ttl: time.Minute}
		t.states[conn] = s
	}
	t.mu.Unlock()
	if time.Since(s.created) < s.ttl {
		return false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.states[conn] != s {
		return false
	}
	delete(t.states, conn)
	t.closed++
	return true
}
