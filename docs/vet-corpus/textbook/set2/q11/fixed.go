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

// FlagsFixed: both writers publish with CompareAndSwap and retry on conflict.
type FlagsFixed struct {
	cur  atomic.Pointer[Config]
	path string
}

func NewFlagsFixed(path string) *FlagsFixed {
	f := &FlagsFixed{path: path}
	f.cur.Store(&Config{Flags: map[string]bool{}, Overrides: map[string]bool{}})
	return f
}

func (f *FlagsFixed) EnabledFixed(name string) bool { return f.cur.Load().Enabled(name) }

func (f *FlagsFixed) reloadFixed() error {
	data, err := os.ReadFile(f.path)
	if err != nil {
		return err
	}
	var parsed Config
	if err := json.Unmarshal(data, &parsed); err != nil {
		return err
	}
	for {
		cur := f.cur.Load()
		if parsed.Version <= cur.Version {
			return nil
		}
		fresh := parsed
		fresh.Overrides = cur.Overrides
		if f.cur.CompareAndSwap(cur, &fresh) {
			return nil
		}
	}
}

func (f *FlagsFixed) WatchFixed(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			f.reloadFixed()
		}
	}
}

func (f *FlagsFixed) SetOverrideFixed(name string, on bool) {
	for {
		cur := f.cur.Load()
		next := *cur
		next.Overrides = maps.Clone(cur.Overrides)
		next.Overrides[name] = on
		if f.cur.CompareAndSwap(cur, &next) {
			return
		}
	}
}

func (f *FlagsFixed) OverrideHandlerFixed(w http.ResponseWriter, r *http.Request) {
	f.SetOverrideFixed(r.FormValue("flag"), r.FormValue("on") == "true")
	w.WriteHeader(http.StatusNoContent)
}
