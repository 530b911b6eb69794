package checkthenact

import (
	"regexp"
	"strings"
	"sync"
)

// Memos of what the key determines, a struct value or a compiled pattern:
// racing misses build equal values, and whichever the map keeps, each
// goroutine's own is as good.

// go-chassis/go-chassis core/registry/cache.go at 6bcf5150: a provider's
// service and application, stored as a struct value under the key they
// are joined into.
type microService struct {
	serviceName, appID string
	metadata           map[string]string
}

var providers sync.Map

func addProvider(serverName, appID string) {
	if appID == "" {
		appID = "default"
	}
	key := strings.Join([]string{serverName, appID}, "|")
	if _, ok := providers.Load(key); !ok {
		providers.Store(key, microService{serviceName: serverName, appID: appID})
	}
}

// Near-miss: a struct value with a map made for it is a state of its own;
// the one overwritten loses what its goroutine puts in the map.
func addProviderWithMetadata(serverName, appID string) {
	key := strings.Join([]string{serverName, appID}, "|")
	if _, ok := providers.Load(key); !ok {
		providers.Store(key, microService{serviceName: serverName, appID: appID, metadata: map[string]string{}}) // want `providers.Store\(key\) after providers.Load\(key\) on line 37 runs only when the check found no entry`
	}
}

// Near-miss: a field not from the key differs between racing goroutines.
func addProviderNamed(serverName, appID, name string) {
	key := strings.Join([]string{serverName, appID}, "|")
	if _, ok := providers.Load(key); !ok {
		providers.Store(key, microService{serviceName: name, appID: appID}) // want `providers.Store\(key\) after providers.Load\(key\) on line 45 runs only when the check found no entry`
	}
}

// tidwall/tile38 internal/server/expr.go at 5b8ce586: a regular
// expression compiled on a miss and cached under its pattern by a closure
// over the pool. The variable the miss leaves empty is then assigned the
// compiled one.
type patternCache[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (c *patternCache[K, V]) Get(k K) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

func (c *patternCache[K, V]) Set(k K, v V) (prev V, replaced bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, replaced = c.m[k]
	c.m[k] = v
	return prev, replaced
}

func (c *patternCache[K, V]) Delete(k K) (prev V, deleted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	prev, deleted = c.m[k]
	delete(c.m, k)
	return prev, deleted
}

type exprPool struct {
	regexCache patternCache[string, *regexp.Regexp]
	match      func(pattern, field string) (bool, error)
}

func newExprPool() *exprPool {
	pool := &exprPool{}
	pool.match = func(pattern, field string) (bool, error) {
		re, ok := pool.regexCache.Get(pattern)
		if !ok {
			var err error
			re, err = regexp.Compile(pattern)
			if err != nil {
				return false, err
			}
			pool.regexCache.Set(pattern, re)
		}
		return re.MatchString(field), nil
	}
	return pool
}

// Near-miss: a pattern compiled from something besides the key.
func (p *exprPool) matchFolded(pattern, flags, field string) (bool, error) {
	re, ok := p.regexCache.Get(pattern)
	if !ok {
		var err error
		re, err = regexp.Compile(flags + pattern)
		if err != nil {
			return false, err
		}
		p.regexCache.Set(pattern, re) // want `p.regexCache.Set\(pattern\) after p.regexCache.Get\(pattern\) on line 106 runs only when the check found no entry`
	}
	return re.MatchString(field), nil
}
