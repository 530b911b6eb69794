package plainmaps

import "sync"

// A get-or-create through helpers that each lock, reported with
// -plainmaps only: two goroutines that both miss each store a mutex of
// their own, and the one overwritten guards nothing.
type keyLocks struct {
	mu    sync.Mutex
	locks map[string]*sync.Mutex
}

func (k *keyLocks) lookup(key string) *sync.Mutex {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.locks[key]
}

func (k *keyLocks) put(key string, l *sync.Mutex) {
	k.mu.Lock()
	k.locks[key] = l
	k.mu.Unlock()
}

func (k *keyLocks) forKey(key string) *sync.Mutex {
	l := k.lookup(key)
	if l == nil {
		l = &sync.Mutex{}
		k.put(key, l) // want `k.put\(key, l\), which makes k.locks\[key\] = … under k.mu through put \(lockedinsert.go:21\), after k.lookup\(key\), which reads k.locks\[key\] under k.mu, on line 26 runs only when the check found no entry`
	}
	return l
}

// Near-miss: a helper whose write is computed from the entry under its
// own lock is an update, not a store that could replace another's; the
// caller's miss decides nothing it could lose.
type renames struct {
	mu    sync.Mutex
	names map[string]string
}

func (r *renames) get(k string) (string, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.names[k]
	return v, ok
}

func (r *renames) bump(k string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names[k] = r.names[k] + "'"
}

func (r *renames) Touch(k string) {
	if _, ok := r.get(k); !ok {
		r.bump(k)
	}
}
