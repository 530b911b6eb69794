// Package t12 [hard] implements the read-through permission cache of an
// authorization service. A generic ReadThrough[K,V] cache wraps a loader
// callback (a function-typed struct field) that queries the role database;
// the policy engine asks Roles(user) on every API request.
//
// When an administrator revokes a role, the admin service commits to the DB
// and publishes an invalidation message; the subscriber goroutine calls
// the cache's Invalidate(user) through the OnInvalidate hook.
//
// Concurrency: Get runs on every request goroutine; Invalidate runs on the
// pub/sub subscriber goroutine.
//
// BUG: Get checks for a cached entry (CHECK: miss), releases the lock,
// runs the Load callback, and then unconditionally stores the loaded value
// (ACT) through the put helper. If the role revocation commits and its
// Invalidate runs after Load read the old rows but before put, the
// invalidation deletes nothing and put then installs the pre-revocation
// roles. The check and the act are split across Get, the Load field and
// put, so nothing in Get looks like a check-then-act.
//
// HARM: a revoked administrator keeps admin rights for the full TTL (hours)
// even though the revocation was confirmed to the operator: a stale value
// overwrites the invalidation (lost invalidation), a real security hole.
package t12

import (
	"context"
	"sync"
	"time"
)

type entry[V any] struct {
	val     V
	expires time.Time
}

// ReadThrough caches values produced by Load for TTL.
type ReadThrough[K comparable, V any] struct {
	Load func(ctx context.Context, k K) (V, error)
	TTL  time.Duration

	mu sync.Mutex
	m  map[K]entry[V]
}

func (c *ReadThrough[K, V]) lookup(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Now().After(e.expires) {
		var zero V
		return zero, false
	}
	return e.val, true
}

func (c *ReadThrough[K, V]) put(k K, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = make(map[K]entry[V])
	}
	c.m[k] = entry[V]{val: v, expires: time.Now().Add(c.TTL)}
}

// Get returns the cached value or loads it.
func (c *ReadThrough[K, V]) Get(ctx context.Context, k K) (V, error) {
	if v, ok := c.lookup(k); ok { // CHECK: cached?
		return v, nil
	}
	v, err := c.Load(ctx, k) // reads DB state as of now
	if err != nil {
		return v, err
	}
	c.put(k, v) // ACT: may install a value an Invalidate already declared stale
	return v, nil
}

// Invalidate drops k.
func (c *ReadThrough[K, V]) Invalidate(k K) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// RoleStore is the DB access layer.
type RoleStore interface {
	RolesOf(ctx context.Context, user string) ([]string, error)
}

// Authorizer answers permission questions.
type Authorizer struct {
	cache        *ReadThrough[string, []string]
	OnInvalidate func(user string)
}

func NewAuthorizer(db RoleStore) *Authorizer {
	c := &ReadThrough[string, []string]{Load: db.RolesOf, TTL: 6 * time.Hour}
	return &Authorizer{cache: c, OnInvalidate: c.Invalidate}
}

// Allowed is called by every request goroutine.
func (a *Authorizer) Allowed(ctx context.Context, user, role string) (bool, error) {
	roles, err := a.cache.Get(ctx, user)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if r == role {
			return true, nil
		}
	}
	return false, nil
}

// Subscribe runs on the pub/sub goroutine.
func (a *Authorizer) Subscribe(ctx context.Context, revocations <-chan string) {
	for {
		select {
		case <-ctx.Done():
			return
		case user := <-revocations:
			a.OnInvalidate(user)
		}
	}
}
