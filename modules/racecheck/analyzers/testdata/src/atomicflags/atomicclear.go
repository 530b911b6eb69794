package atomicflags

import (
	"sync"
	"sync/atomic"
)

// megaease/easegress pkg/object/autocertmanager/autocertmanager.go at
// 8b8191d8 (fixed in 3f1c559c, easegress#546): Close clears the global
// manager only if it is still this one, in two steps; a new generation
// storing itself in between is wiped.
type certManager struct{ name string }

var globalManager atomic.Value

func (m *certManager) reload() {
	globalManager.Store(m)
}

func (m *certManager) Close() {
	if globalManager.Load() == m {
		globalManager.Store((*certManager)(nil)) // want `globalManager.Store\(\(\*certManager\)\(nil\)\) after the test on line 21 that globalManager still holds m is not atomic with it: another goroutine can store its own in between, and this clears it; use globalManager.CompareAndSwap\(m, \(\*certManager\)\(nil\)\)`
	}
}

// The fix: one CompareAndSwap.
func (m *certManager) closeFixed() {
	globalManager.CompareAndSwap(m, (*certManager)(nil))
}

// An atomic.Pointer cleared after the same test.
type slotSession struct{ id int }

type sessionSlot struct{ cur atomic.Pointer[slotSession] }

func (s *sessionSlot) release(mine *slotSession) {
	if s.cur.Load() == mine {
		s.cur.Store(nil) // want `s.cur.Store\(nil\) after the test on line 37 that s.cur still holds mine`
	}
}

// Under one lock held across the test and the clear, the pair is atomic
// for every writer that takes it.
type lockedSlot struct {
	mu  sync.Mutex
	cur atomic.Pointer[slotSession]
}

func (s *lockedSlot) release(mine *slotSession) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur.Load() == mine {
		s.cur.Store(nil)
	}
}

// Storing something else than a clear is a replace, not this.
func (s *sessionSlot) replace(mine, next *slotSession) {
	if s.cur.Load() == mine {
		s.cur.Store(next)
	}
}
