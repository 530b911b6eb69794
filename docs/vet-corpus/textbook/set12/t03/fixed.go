package t03

// Fixed version: LockFixed.Unlock releases the lock with the store's atomic
// CompareAndDelete (a server-side script in production), so the ownership
// check and the delete are one operation and can never remove a lock that
// another worker acquired after ours expired. The Store implementations are
// shared with bug.go; they were never the problem.

import (
	"context"
	"time"
)

// ClientFixed acquires named locks.
type ClientFixed struct {
	store  Store
	prefix string
	ttl    time.Duration
}

// NewClientFixed returns a lock client that namespaces keys under prefix.
func NewClientFixed(store Store, prefix string, ttl time.Duration) *ClientFixed {
	return &ClientFixed{store: store, prefix: prefix, ttl: ttl}
}

// LockFixed is a held lock.
type LockFixed struct {
	c     *ClientFixed
	key   string
	token string
}

// Acquire tries once to take the lock called name.
func (c *ClientFixed) Acquire(ctx context.Context, name string) (*LockFixed, error) {
	l := &LockFixed{c: c, key: c.prefix + name, token: newToken()}
	ok, err := c.store.SetNX(ctx, l.key, l.token, c.ttl)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, ErrNotAcquired
	}
	return l, nil
}

// Extend pushes the lock's expiry out by another TTL if it is still ours.
func (l *LockFixed) Extend(ctx context.Context) error {
	ok, err := l.c.store.CompareAndExpire(ctx, l.key, l.token, l.c.ttl)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotAcquired
	}
	return nil
}

// Unlock releases the lock if, and only if, this holder still owns it.
func (l *LockFixed) Unlock(ctx context.Context) error {
	ok, err := l.c.store.CompareAndDelete(ctx, l.key, l.token)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotAcquired
	}
	return nil
}
