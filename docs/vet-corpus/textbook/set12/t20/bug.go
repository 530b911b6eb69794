// Package t20 is the secrets manager client used by services to obtain
// database credentials. Static secrets come from the environment or mounted
// files; dynamic ones are leased from the secrets backend and rotated before
// they expire, and the previous lease is revoked after a grace period so
// connections opened with it can drain.
//
// Concurrency: request goroutines call Manager.Get whenever the connection
// pool dials a new connection. Manager.Start runs a prewarm goroutine that
// periodically calls Current on every source so that rotation usually
// happens off the request path. A leased source keeps its current secret in
// an atomic.Pointer; issue and revoke are function-typed fields wired to the
// backend client.
//
// BUG: leased.Current loads the current secret and, when it is due for
// renewal, calls rotate, which issues a new lease, swaps it in and retires
// whatever it swapped out. When several callers (the prewarm goroutine and
// a burst of dials) observe the same due secret, each of them rotates
// (check -> act).
//
// HARM: each concurrent rotation issues a fresh database user, and each swap
// retires the secret installed by the rotation just before it - a credential
// that was handed to callers a moment ago and is now in the connection
// pool. After the grace period the backend drops that user and kills its
// sessions: the pool's connections fail authentication mid-traffic, while
// extra users leak until their TTL.
package t20

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ErrUnknownSecret is returned for names that have no source.
var ErrUnknownSecret = errors.New("secrets: unknown secret")

// Secret is a credential.
type Secret struct {
	LeaseID  string
	Value    string
	NotAfter time.Time // zero for static secrets
}

// Source produces the current value of one secret.
type Source interface {
	Name() string
	Current(ctx context.Context) (Secret, error)
}

// Env reads a secret from an environment variable.
type Env struct{ Var string }

func (e Env) Name() string { return strings.ToLower(e.Var) }
func (e Env) Current(context.Context) (Secret, error) {
	v, ok := os.LookupEnv(e.Var)
	if !ok {
		return Secret{}, ErrUnknownSecret
	}
	return Secret{Value: v}, nil
}

// File reads a secret from a mounted file, e.g. a Kubernetes secret volume.
type File struct{ Key, Path string }

func (f File) Name() string { return f.Key }
func (f File) Current(context.Context) (Secret, error) {
	b, err := os.ReadFile(f.Path)
	if err != nil {
		return Secret{}, err
	}
	return Secret{Value: strings.TrimSpace(string(b))}, nil
}

// LeaseOptions wires a dynamic secret to the backend.
type LeaseOptions struct {
	Issue       func(ctx context.Context, role string) (Secret, error)
	Revoke      func(ctx context.Context, leaseID string) error
	RenewBefore time.Duration
	Grace       time.Duration
}

type leased struct {
	role string
	opts LeaseOptions
	cur  atomic.Pointer[Secret]
}

// Leased returns a Source that leases credentials for role.
func Leased(role string, opts LeaseOptions) Source {
	return &leased{role: role, opts: opts}
}

func (l *leased) Name() string { return l.role }

func (l *leased) due(s *Secret) bool {
	return s == nil || time.Until(s.NotAfter) < l.opts.RenewBefore
}

func (l *leased) Current(ctx context.Context) (Secret, error) {
	s := l.cur.Load()
	if !l.due(s) {
		return *s, nil
	}
	next, err := l.rotate(ctx)
	if err != nil && s != nil && time.Now().Before(s.NotAfter) {
		return *s, nil // backend hiccup: keep using the still-valid lease
	}
	return next, err
}

func (l *leased) rotate(ctx context.Context) (Secret, error) {
	next, err := l.opts.Issue(ctx, l.role)
	if err != nil {
		return Secret{}, err
	}
	if prev := l.cur.Swap(&next); prev != nil {
		l.retire(prev.LeaseID)
	}
	return next, nil
}

// retire revokes a lease once connections opened with it have drained.
func (l *leased) retire(leaseID string) {
	time.AfterFunc(l.opts.Grace, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = l.opts.Revoke(ctx, leaseID)
	})
}

// Manager resolves secrets by name.
type Manager struct {
	mu      sync.RWMutex
	sources map[string]Source
}

// NewManager returns a Manager serving the given sources.
func NewManager(sources ...Source) *Manager {
	m := &Manager{sources: make(map[string]Source, len(sources))}
	for _, s := range sources {
		m.sources[s.Name()] = s
	}
	return m
}

func (m *Manager) source(name string) (Source, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	s, ok := m.sources[name]
	return s, ok
}

// Get returns the current value of the named secret.
func (m *Manager) Get(ctx context.Context, name string) (Secret, error) {
	src, ok := m.source(name)
	if !ok {
		return Secret{}, ErrUnknownSecret
	}
	return src.Current(ctx)
}

// Start prewarms every source periodically until ctx is cancelled.
func (m *Manager) Start(ctx context.Context, every time.Duration) {
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				m.mu.RLock()
				srcs := make([]Source, 0, len(m.sources))
				for _, s := range m.sources {
					srcs = append(srcs, s)
				}
				m.mu.RUnlock()
				for _, s := range srcs {
					_, _ = s.Current(ctx)
				}
			}
		}
	}()
}
