// Package q18 provides per-key mutexes (e.g. one per user ID) whose entries
// are removed when nobody holds or waits for them, so the map does not grow.
//
// BUG: Unlock asks refs(key) whether it is the last user and, in a separate
// critical section, removes the entry. A Lock(key) that runs in between takes a
// reference to the entry and locks it; the entry is then deleted anyway, and
// the next Lock(key) creates a fresh mutex: two goroutines hold the "exclusive"
// lock for the same key at once (e.g. two concurrent balance updates).
package q18

import "sync"

type keyEntry struct {
	mu   sync.Mutex
	refs int // holders + waiters; guarded by KeyedMutex.mu
}

// KeyedMutex is safe for concurrent use.
type KeyedMutex struct {
	mu      sync.Mutex
	entries map[string]*keyEntry
}

func New() *KeyedMutex { return &KeyedMutex{entries: make(map[string]*keyEntry)} }

func (k *KeyedMutex) acquireRef(key string) *keyEntry {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[key]
	if !ok {
		e = &keyEntry{}
		k.entries[key] = e
	}
	e.refs++
	return e
}

func (k *KeyedMutex) entry(key string) *keyEntry {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.entries[key]
}

func (k *KeyedMutex) refs(key string) int {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.entries[key]; ok {
		return e.refs
	}
	return 0
}

func (k *KeyedMutex) remove(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.entries, key)
}

func (k *KeyedMutex) dropRef(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if e, ok := k.entries[key]; ok {
		e.refs--
	}
}

func (k *KeyedMutex) Lock(key string) {
	e := k.acquireRef(key)
	e.mu.Lock()
}

func (k *KeyedMutex) Unlock(key string) {
	e := k.entry(key)
	if e == nil {
		panic("keyedmutex: unlock of unlocked key " + key)
	}
	e.mu.Unlock()
	if k.refs(key) == 1 {
		k.remove(key)
		return
	}
	k.dropRef(key)
}

// Ledger serialises updates per user with a KeyedMutex.
type Ledger struct {
	locks    *KeyedMutex
	balances sync.Map // user -> int64
}

func (l *Ledger) Add(user string, delta int64) {
	l.locks.Lock(user)
	defer l.locks.Unlock(user)
	var cur int64
	if v, ok := l.balances.Load(user); ok {
		cur = v.(int64)
	}
	l.balances.Store(user, cur+delta)
}
