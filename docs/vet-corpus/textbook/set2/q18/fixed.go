package q18

import "sync"

type keyEntryFixed struct {
	mu   sync.Mutex
	refs int // guarded by KeyedMutexFixed.mu
}

// KeyedMutexFixed is safe for concurrent use.
type KeyedMutexFixed struct {
	mu      sync.Mutex
	entries map[string]*keyEntryFixed
}

func NewFixed() *KeyedMutexFixed { return &KeyedMutexFixed{entries: make(map[string]*keyEntryFixed)} }

func (k *KeyedMutexFixed) LockFixed(key string) {
	k.mu.Lock()
	e, ok := k.entries[key]
	if !ok {
		e = &keyEntryFixed{}
		k.entries[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
}

// UnlockFixed decrements and removes in one critical section.
func (k *KeyedMutexFixed) UnlockFixed(key string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	e, ok := k.entries[key]
	if !ok {
		panic("keyedmutex: unlock of unlocked key " + key)
	}
	e.mu.Unlock()
	e.refs--
	if e.refs == 0 {
		delete(k.entries, key)
	}
}

type LedgerFixed struct {
	locks    *KeyedMutexFixed
	balances sync.Map
}

func (l *LedgerFixed) AddFixed(user string, delta int64) {
	l.locks.LockFixed(user)
	defer l.locks.UnlockFixed(user)
	var cur int64
	if v, ok := l.balances.Load(user); ok {
		cur = v.(int64)
	}
	l.balances.Store(user, cur+delta)
}
