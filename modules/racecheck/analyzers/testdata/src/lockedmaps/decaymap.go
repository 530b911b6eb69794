package lockedmaps

import (
	"sync"
	"time"
)

// Xe/x cmd/anubis/decaymap.go at 8c303391b57f (fixed in 78c358550d74, "Fix
// potential decaymap race", Xe/x#683): an expired entry read under the read
// lock is deleted under the write lock without a second look, so a fresh
// entry Set stored in between is deleted with it.
type decayEntry struct {
	value  string
	expiry time.Time
}

type decayMap struct {
	data map[string]decayEntry
	lock sync.RWMutex
}

func (m *decayMap) Get(key string) (string, bool) {
	m.lock.RLock()
	value, ok := m.data[key]
	m.lock.RUnlock()
	if !ok {
		return "", false
	}
	if time.Now().After(value.expiry) {
		m.lock.Lock()
		delete(m.data, key) // want `delete\(m.data, key\) after m.data\[key\] on line 24 is decided by the loaded value`
		m.lock.Unlock()
		return "", false
	}
	return value.value, true
}

// The fix: delete only if the entry is still the one that expired.
func (m *decayMap) GetFixed(key string) (string, bool) {
	m.lock.RLock()
	value, ok := m.data[key]
	m.lock.RUnlock()
	if !ok {
		return "", false
	}
	if time.Now().After(value.expiry) {
		m.lock.Lock()
		if m.data[key].expiry == value.expiry {
			delete(m.data, key)
		}
		m.lock.Unlock()
		return "", false
	}
	return value.value, true
}

func (m *decayMap) Set(key, value string, ttl time.Duration) {
	m.lock.Lock()
	defer m.lock.Unlock()
	m.data[key] = decayEntry{value: value, expiry: time.Now().Add(ttl)}
}

// An update of a present entry that does not use what the check saw: it
// can resurrect an entry deleted in between, which is debatable rather than
// a bug and stays quiet, as for the concurrent maps.
func (m *decayMap) touch(key string) {
	m.lock.RLock()
	_, ok := m.data[key]
	m.lock.RUnlock()
	if !ok {
		return
	}
	m.lock.Lock()
	m.data[key] = decayEntry{value: m.data[key].value, expiry: time.Now()}
	m.lock.Unlock()
}
