package plainmaps

import (
	"errors"
	"sync"
)

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
		k.put(key, l) // want `k.put\(key, l\), which makes k.locks\[key\] = … under k.mu through put \(lockedinsert.go:24\), after k.lookup\(key\), which reads k.locks\[key\] under k.mu, on line 29 runs only when the check found no entry`
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

// A getter answering a zero value and an error when the name is absent
// (return 0, errNoChild), and a setter: an exclusive create split across
// them (marmos91/dittofs#639's GetChild, then SetChild).
var errNoChild = errors.New("no such child")

type children struct {
	mu    sync.RWMutex
	names map[string]int
}

func (c *children) getChild(name string) (int, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.names[name]
	if !ok {
		return 0, errNoChild
	}
	return h, nil
}

func (c *children) setChild(name string, h int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.names[name] = h
}

func (c *children) create(name string, h int) error {
	if _, err := c.getChild(name); err == nil {
		return errors.New("exists")
	}
	c.setChild(name, h) // want `c.setChild\(name, h\), which makes c.names\[name\] = … under c.mu through setChild \(lockedinsert.go:\d+\), after c.getChild\(name\)`
	return nil
}

// Near-miss: a getter whose zero answer comes without an error says
// nothing of the name's presence.
func (c *children) count(name string) (int, error) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	h, ok := c.names[name]
	if !ok {
		return 0, nil
	}
	return h, nil
}

func (c *children) createCounted(name string, h int) {
	if n, err := c.count(name); err == nil && n == 0 {
		c.setChild(name, h)
	}
}
