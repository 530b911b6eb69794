// Package r20 hot-reloads feature flags from a remote config service. Each
// published config carries a monotonically increasing Version and the
// holder must never move backwards.
//
// BUG (check-then-act through an interface and a predicate helper):
// Reloader.Reload fetches a config from its Source, asks newer(h.Current(),
// next) whether it is newer than what is installed, and then installs it
// with h.Set. Current and Set each hold the RWMutex, but the comparison is
// made against a snapshot. Reload runs concurrently from the periodic
// poller goroutine and from the push-notification handler (and from
// POST /admin/reload). If the poller fetched v41 and the push handler v42,
// both compare against the installed v40, v42 is installed, and then the
// slower poller installs v41 over it. Flags roll back: the kill switch an
// operator flipped in v42 to stop a broken payment path is silently
// re-enabled, and stays so until the next publication.
package r20

import (
	"context"
	"sync"
	"time"
)

type Config struct {
	Version int64
	Flags   map[string]bool
}

// Source fetches the latest published config (HTTP, etcd, file...).
type Source interface {
	Fetch(ctx context.Context) (*Config, error)
}

// Holder is read on every request via Enabled; safe for concurrent use.
type Holder struct {
	mu  sync.RWMutex
	cur *Config
}

func NewHolder(initial *Config) *Holder { return &Holder{cur: initial} }

func (h *Holder) Current() *Config {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cur
}

func (h *Holder) Set(c *Config) {
	h.mu.Lock()
	h.cur = c
	h.mu.Unlock()
}

func (h *Holder) Enabled(flag string) bool {
	c := h.Current()
	return c != nil && c.Flags[flag]
}

func newer(cur, next *Config) bool {
	return cur == nil || next.Version > cur.Version
}

type Reloader struct {
	H   *Holder
	Src Source
}

// Reload installs the source's config if it is newer than the current one.
func (r *Reloader) Reload(ctx context.Context) error {
	next, err := r.Src.Fetch(ctx)
	if err != nil {
		return err
	}
	if !newer(r.H.Current(), next) {
		return nil
	}
	r.H.Set(next)
	return nil
}

// Poll reloads every interval; it runs in its own goroutine, alongside the
// push-notification handler that also calls Reload.
func (r *Reloader) Poll(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = r.Reload(ctx)
		}
	}
}
