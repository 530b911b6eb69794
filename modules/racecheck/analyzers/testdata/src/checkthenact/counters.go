package checkthenact

// Counters in a cache with patrickmn/go-cache's method set, whose
// Increment fails when the key is absent: a failed Increment is a check
// that found no entry.

import (
	"errors"
	"sync"
	"time"
)

type expiringCache struct {
	mu    sync.RWMutex
	items map[string]any
}

func (c *expiringCache) Get(k string) (any, bool)                   { return nil, false }
func (c *expiringCache) Set(k string, x any, d time.Duration)       {}
func (c *expiringCache) SetDefault(k string, x any)                 {}
func (c *expiringCache) Add(k string, x any, d time.Duration) error { return nil }
func (c *expiringCache) Delete(k string)                            {}
func (c *expiringCache) Increment(k string, n int64) error          { return errors.New("not found") }
func (c *expiringCache) IncrementUint(k string, n uint) (uint, error) {
	return 0, errors.New("not found")
}
func (c *expiringCache) Decrement(k string, n int64) error { return nil }

// libops/captcha-protect main.go at f49ac41^ (fixed in f49ac41, "handle
// race with compare and swap", captcha-protect#6): a request counted
// per IP with IncrementUint, and on failure a Set of 1. Two first requests
// both fail and both store 1; a request in between increments the entry
// that the Set overwrites. Either way counts are lost and the rate limit
// lets more through.
func registerRequest(c *expiringCache, ip string) {
	_, err := c.IncrementUint(ip, 1)
	if err != nil {
		var count uint = 1
		c.Set(ip, count, 0) // want `c.Set\(ip\) after c.IncrementUint\(ip\) on line 36 runs only when the update found no entry.*increments .* are lost; use Add`
	}
}

// The fix: Add fails when the key exists, and the Increment is tried again.
func registerRequestFixed(c *expiringCache, ip string) {
	if err := c.Add(ip, uint(1), 0); err == nil {
		return
	}
	if _, err := c.IncrementUint(ip, 1); err != nil {
		return
	}
}

// The same with the error tested inline and the one-result Increment.
func bump(c *expiringCache, k string) {
	if c.Increment(k, 1) != nil {
		c.Set(k, int64(1), 0) // want `runs only when the update found no entry`
	}
}

func bumpInit(c *expiringCache, k string) {
	if err := c.Decrement(k, 1); err == nil {
		return
	}
	c.Set(k, int64(-1), 0) // want `runs only when the update found no entry`
}

// Near-miss: the Set runs whether or not the Increment failed.
func bumpThenReset(c *expiringCache, k string) {
	_ = c.Increment(k, 1)
	c.Set(k, int64(0), 0)
}

// Near-miss: the Set runs only when the Increment found the key, and
// stores a value that ignores the count (an update-if-present).
func bumpThenRestart(c *expiringCache, k string) error {
	if err := c.Increment(k, 1); err != nil {
		return err
	}
	c.Set(k, int64(0), 0)
	return nil
}

// Near-miss: Add decides which goroutine inserts.
func bumpOrAdd(c *expiringCache, k string) error {
	if err := c.Increment(k, 1); err != nil {
		if c.Add(k, int64(1), 0) != nil {
			return c.Increment(k, 1)
		}
	}
	return nil
}

// captcha-protect's isGoodBot at f49ac41: whether an IP is a good bot is
// looked up once and memoised. Racing goroutines compute the same answer
// from the IP and store it; returning the stored bool is the memo's answer,
// not a "first seen".
func isGoodBotIP(ip string, goodBots []string) bool { return len(goodBots) > 0 && ip != "" }

type botChecker struct {
	goodBots []string
	botCache *expiringCache
}

func (b *botChecker) isGoodBot(ip string) bool {
	bot, ok := b.botCache.Get(ip)
	if ok {
		return bot.(bool)
	}
	v := isGoodBotIP(ip, b.goodBots)
	b.botCache.Set(ip, v, 0)
	return v
}

// Near-miss: a bool that is not the stored value tells the caller it
// inserted.
func (b *botChecker) markBot(ip string) bool {
	if _, ok := b.botCache.Get(ip); ok {
		return false
	}
	v := isGoodBotIP(ip, b.goodBots)
	b.botCache.Set(ip, v, 0) // want `although both store the same value, both go on as the one that inserted it`
	return true
}

// goss-org/goss serve.go:115 (9fd1dd5f, fixed in a79c8fbe, goss#1094; a
// miss of the twenty-ninth held-out set): the health handler, which
// net/http runs once per request, misses the cached results, sets up the
// system, runs the whole validation and stores its results with
// SetDefault (go-cache's Set with the default expiration); concurrent
// probes on a cold cache each run it, and each replaces the results
// another is serving.
type gossSystem struct{ checks []string }

type healthHandler struct {
	cache *expiringCache
	sys   *gossSystem
}

func (h *healthHandler) results(key string, validate func(*gossSystem) []string) []string {
	if tmp, found := h.cache.Get(key); found {
		return tmp.([]string)
	}
	h.sys = &gossSystem{}
	res := validate(h.sys)
	h.cache.SetDefault(key, res) // want `h.cache.SetDefault\(key\) after h.cache.Get\(key\) on line [0-9]+ runs only when the check found no entry`
	return res
}
