// Package s15 hot-reloads service configuration held in an atomic.Value.
//
// BUG (version check on a loaded value, then Store): apply loads the current
// config, rejects the candidate unless its Version is newer, and then Stores
// it. Two goroutines call apply: the Poll ticker loop (configs fetched from
// the config service) and the admin ServeHTTP endpoint (emergency pushes).
// If the poller has checked v7 against v6 and an operator pushes v8 before
// the poller's Store, the poller overwrites v8 with v7. The emergency change
// (say, cutting the rate limit during an incident) is silently rolled back
// although the operator got 204 for it, and v7 stays in force until someone
// pushes a version above 8.
package s15

import (
	"context"
	"encoding/json"
	"log"
	"net/http"
	"sync/atomic"
	"time"
)

type Config struct {
	Version   int64    `json:"version"`
	RateLimit int      `json:"rate_limit"`
	Backends  []string `json:"backends"`
}

// Manager holds the live *Config. Safe for concurrent use.
type Manager struct {
	cur atomic.Value // *Config
}

func NewManager(initial *Config) *Manager {
	m := &Manager{}
	m.cur.Store(initial)
	return m
}

func (m *Manager) Current() *Config { return m.cur.Load().(*Config) }

// apply installs cfg if it is newer than the live config.
func (m *Manager) apply(cfg *Config) bool {
	if cfg.Version <= m.Current().Version {
		return false
	}
	m.cur.Store(cfg)
	return true
}

// Poll fetches the config every interval and applies newer versions.
func (m *Manager) Poll(ctx context.Context, every time.Duration, fetch func(context.Context) (*Config, error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cfg, err := fetch(ctx)
			if err != nil {
				log.Printf("config fetch: %v", err)
				continue
			}
			if m.apply(cfg) {
				log.Printf("config v%d applied", cfg.Version)
			}
		}
	}
}

// ServeHTTP handles PUT /admin/config.
func (m *Manager) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var cfg Config
	if err := json.NewDecoder(r.Body).Decode(&cfg); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if !m.apply(&cfg) {
		http.Error(w, "stale version", http.StatusConflict)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
