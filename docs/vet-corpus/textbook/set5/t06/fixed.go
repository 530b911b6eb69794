package t06

import (
	"sync/atomic"
	"time"
)

// StoreFixed publishes configs. Safe for concurrent use.
type StoreFixed struct {
	v atomic.Value // *Config
}

// NewStoreFixed returns a store holding initial.
func NewStoreFixed(initial *Config) *StoreFixed {
	s := &StoreFixed{}
	s.v.Store(initial)
	return s
}

// Current returns the active configuration.
func (s *StoreFixed) Current() *Config { return s.v.Load().(*Config) }

// update retries until it replaces exactly the snapshot it was derived from
// (CompareAndSwap on the *Config pointer), so concurrent patches compose.
func (s *StoreFixed) update(mutate func(*Config)) *Config {
	for {
		cur := s.Current()
		next := cur.clone()
		mutate(next)
		if s.v.CompareAndSwap(cur, next) {
			return next
		}
	}
}

// SetTimeout is called by the adaptive tuner goroutine.
func (s *StoreFixed) SetTimeout(d time.Duration) {
	s.update(func(c *Config) { c.Timeout = d })
}
