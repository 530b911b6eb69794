package t20

// Fixed version: leasedFixed keeps the lock-free fast path, but rotation is
// serialised by rotMu and re-checks the current secret after taking it. Only
// the first caller that finds the secret due issues a new lease; everyone
// who was waiting then sees the fresh secret and returns it, so exactly one
// lease is issued per rotation and only the lease it replaces is retired.

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

type leasedFixed struct {
	role  string
	opts  LeaseOptions
	cur   atomic.Pointer[Secret]
	rotMu sync.Mutex
}

// LeasedFixed returns a Source that leases credentials for role.
func LeasedFixed(role string, opts LeaseOptions) Source {
	return &leasedFixed{role: role, opts: opts}
}

func (l *leasedFixed) Name() string { return l.role }

func (l *leasedFixed) due(s *Secret) bool {
	return s == nil || time.Until(s.NotAfter) < l.opts.RenewBefore
}

func (l *leasedFixed) Current(ctx context.Context) (Secret, error) {
	if s := l.cur.Load(); !l.due(s) {
		return *s, nil
	}
	l.rotMu.Lock()
	defer l.rotMu.Unlock()
	s := l.cur.Load()
	if !l.due(s) {
		return *s, nil // rotated by another caller while we waited
	}
	next, err := l.opts.Issue(ctx, l.role)
	if err != nil {
		if s != nil && time.Now().Before(s.NotAfter) {
			return *s, nil
		}
		return Secret{}, err
	}
	l.cur.Store(&next)
	if s != nil {
		l.retire(s.LeaseID)
	}
	return next, nil
}

func (l *leasedFixed) retire(leaseID string) {
	time.AfterFunc(l.opts.Grace, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = l.opts.Revoke(ctx, leaseID)
	})
}

// ManagerFixed resolves secrets by name.
type ManagerFixed struct {
	mu      sync.RWMutex
	sources map[string]Source
}

// NewManagerFixed returns a ManagerFixed serving the given sources.
func NewManagerFixed(sources ...Source) *ManagerFixed {
	m := &ManagerFixed{sources: make(map[string]Source, len(sources))}
	for _, s := range sources {
		m.sources[s.Name()] = s
	}
	return m
}

// Get returns the current value of the named secret.
func (m *ManagerFixed) Get(ctx context.Context, name string) (Secret, error) {
	m.mu.RLock()
	src, ok := m.sources[name]
	m.mu.RUnlock()
	if !ok {
		return Secret{}, ErrUnknownSecret
	}
	return src.Current(ctx)
}

// Start prewarms every source periodically until ctx is cancelled.
func (m *ManagerFixed) Start(ctx context.Context, every time.Duration) {
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
