package checkthenact

import "sync"

// A store whose answer the caller adopts: uber-go/tally's TagCache.Set
// returns "either tslice or the pre-existing value if found", and
// m3/reporter.go:672 at 12d200cf goes on with what it answers
// (mtags = r.tagCache.Set(key, mtags)): a claim, as LoadOrStore is.
type tagCache struct {
	mu      sync.RWMutex
	entries map[uint64][]string
}

func (c *tagCache) Get(key uint64) ([]string, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *tagCache) Set(key uint64, tags []string) []string {
	c.mu.RLock()
	existing, ok := c.entries[key]
	c.mu.RUnlock()
	if ok {
		return existing
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = tags
	return tags
}

type tagReporter struct{ cache *tagCache }

func (r *tagReporter) convert(key uint64, names []string) []string {
	tags, ok := r.cache.Get(key)
	if !ok {
		tags = append([]string(nil), names...)
		tags = r.cache.Set(key, tags)
	}
	return tags
}

// Reported: the answer is dropped, so the caller goes on with the slice it
// built while the cache may hold another's.
func (r *tagReporter) convertDropped(key uint64, names []string) []string {
	tags, ok := r.cache.Get(key)
	if !ok {
		tags = append([]string(nil), names...)
		r.cache.Set(key, tags) // want `r.cache.Set\(key\) after r.cache.Get\(key\) on line 48 runs only when the check found no entry`
	}
	return tags
}

// Reported: a Set that hands back its own argument stores whatever the map
// held, and the caller adopting its answer gains nothing.
type echoCache struct {
	mu      sync.Mutex
	entries map[string]*echoConn
}

type echoConn struct{ id int }

func (c *echoCache) Get(key string) (*echoConn, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

func (c *echoCache) Set(key string, v *echoConn) *echoConn {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = v
	return v
}

func dialCached(c *echoCache, key string) *echoConn {
	cn, ok := c.Get(key)
	if !ok {
		cn = &echoConn{}
		cn = c.Set(key, cn) // want `c.Set\(key\) after c.Get\(key\) on line 80 runs only when the check found no entry`
	}
	return cn
}
