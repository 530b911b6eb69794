package r20

import (
	"context"
	"sync"
	"time"
)

// HolderFixed offers a conditional install: the version comparison and the
// store happen under the same write lock.
type HolderFixed struct {
	mu  sync.RWMutex
	cur *Config
}

func NewHolderFixed(initial *Config) *HolderFixed { return &HolderFixed{cur: initial} }

func (h *HolderFixed) Current() *Config {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.cur
}

// SetIfNewer installs c only if it is newer than the current config and
// reports whether it did.
func (h *HolderFixed) SetIfNewer(c *Config) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !newer(h.cur, c) {
		return false
	}
	h.cur = c
	return true
}

func (h *HolderFixed) Enabled(flag string) bool {
	c := h.Current()
	return c != nil && c.Flags[flag]
}

type ReloaderFixed struct {
	H   *HolderFixed
	Src Source
}

func (r *ReloaderFixed) Reload(ctx context.Context) error {
	next, err := r.Src.Fetch(ctx)
	if err != nil {
		return err
	}
	r.H.SetIfNewer(next)
	return nil
}

func (r *ReloaderFixed) Poll(ctx context.Context, every time.Duration) {
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
