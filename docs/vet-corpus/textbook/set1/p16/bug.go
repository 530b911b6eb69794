// Package p16 holds the live service configuration, updated by watchers.
//
// BUG: Apply Loads the current config, compares versions and Stores the new
// one. Watcher A (v7) and watcher B (v8) both Load v6; B Stores v8, then A
// Stores v7: the config regresses to an older version and v8 is lost until the
// next change.
package p16

import "sync/atomic"

// Config is an immutable configuration snapshot.
type Config struct {
	Version  int64
	Backends []string
}

// Holder is safe for concurrent use; several watcher goroutines call Apply.
type Holder struct {
	cur atomic.Pointer[Config]
}

// NewHolder returns a holder with initial config.
func NewHolder(initial *Config) *Holder {
	h := &Holder{}
	h.cur.Store(initial)
	return h
}

// Current returns the live config.
func (h *Holder) Current() *Config { return h.cur.Load() }

// Apply installs c if it is newer than the live config.
func (h *Holder) Apply(c *Config) bool {
	old := h.cur.Load()
	if old != nil && old.Version >= c.Version {
		return false
	}
	h.cur.Store(c)
	return true
}

// Watch applies every config received on updates, in its own goroutine.
func (h *Holder) Watch(updates <-chan *Config) {
	go func() {
		for c := range updates {
			h.Apply(c)
		}
	}()
}
