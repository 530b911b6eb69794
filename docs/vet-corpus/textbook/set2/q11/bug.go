// Package q11 holds feature flags that are hot-reloaded from disk by a
// background goroutine and can be overridden at runtime by operators.
//
// BUG: the reloader loads the current config, checks the file is newer, and
// stores a fresh config that copies the overrides it saw at Load time. An
// operator's kill-switch override stored between that Load and Store is
// overwritten: the broken feature silently turns back on.
package q11

import (
	"context"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"sync/atomic"
	"time"
)

type Config struct {
	Version   int64           `json:"version"`
	Flags     map[string]bool `json:"flags"`
	Overrides map[string]bool `json:"-"`
}

func (c *Config) Enabled(name string) bool {
	if v, ok := c.Overrides[name]; ok {
		return v
	}
	return c.Flags[name]
}

// Flags is read on every request; writers are the reloader and the admin API.
type Flags struct {
	cur  atomic.Pointer[Config]
	path string
}

func NewFlags(path string) *Flags {
	f := &Flags{path: path}
	f.cur.Store(&Config{Flags: map[string]bool{}, Overrides: map[string]bool{}})
	return f
}

func (f *Flags) Enabled(name string) bool { return f.cur.Load().Enabled(name) }

func (f *Flags) reload() error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	var fresh Config
	if err := json.Unmarshal(data, &fresh); err != nil {
		return err
	}
	cur := f.cur.Load()
	if fresh.Version <= cur.Version {
		return nil
	}
	fresh.Overrides = cur.Overrides
	f.cur.Store(&fresh)
	return nil
}

// Watch reloads the file every interval until ctx is done.
func (f *Flags) Watch(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.reload()
		}
	}
}

func (f *Flags) SetOverride(name string, on bool) {
	cur := f.cur.Load()
	next := *cur
	next.Overrides = maps.Clone(cur.Overrides)
	next.Overrides[name] = on
	f.cur.Store(&next)
}

func (f *Flags) OverrideHandler(w http.ResponseWriter, r *http.Request) {
	f.SetOverride(r.FormValue("flag"), r.FormValue("on") == "true")
	w.WriteHeader(http.StatusNoContent)
}
