package checkthenact

import "sync"

// restic/restic internal/bloblru/cache.go (3828313, a debatable finding of
// the twenty-eighth held-out set, at its parent and its fix): GetOrCompute
// misses, computes the blob and calls Add, which looks the id up again
// under the cache's lock and keeps a blob another goroutine added in
// between. Nothing is replaced, and the two blobs are equal bytes.
type blobLRU struct{ m map[string][]byte }

func (l *blobLRU) Contains(id string) bool { _, ok := l.m[id]; return ok }

type blobCache struct {
	mu sync.Mutex
	c  *blobLRU
}

func (c *blobCache) Get(id string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.c.m[id]
	return b, ok
}

func (c *blobCache) Add(id string, blob []byte) (old []byte) {
	if len(blob) == 0 {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.c.Contains(id) {
		return
	}
	c.c.m[id] = blob
	return nil
}

func (c *blobCache) GetOrCompute(id string, compute func() []byte) []byte {
	if blob, ok := c.Get(id); ok {
		return blob
	}
	blob := compute()
	c.Add(id, blob)
	return blob
}

// The same cache with the second look made through an ok flag and an
// explicit Unlock after the insert.
type flagCache struct {
	mu sync.Mutex
	m  map[string]string
}

func (c *flagCache) Get(id string) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *flagCache) Add(id, v string) {
	c.mu.Lock()
	_, ok := c.m[id]
	if ok {
		c.mu.Unlock()
		return
	}
	c.m[id] = v
	c.mu.Unlock()
}

func (c *flagCache) getOrLoad(id string, load func() string) string {
	if v, ok := c.Get(id); ok {
		return v
	}
	v := load()
	c.Add(id, v)
	return v
}

// An Add that keeps the existing entry, but of a value with an identity:
// the loser goes on with a connection the cache does not hold.
type conn struct{ addr string }

func (c *conn) Close() error { return nil }

type connCache struct {
	mu sync.Mutex
	m  map[string]*conn
}

func (c *connCache) Get(addr string) (*conn, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[addr]
	return v, ok
}

func (c *connCache) Add(addr string, v *conn) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[addr]; ok {
		return
	}
	c.m[addr] = v
}

func (c *connCache) dial(addr string) *conn {
	if v, ok := c.Get(addr); ok {
		return v
	}
	v := &conn{addr: addr}
	c.Add(addr, v) // want `runs only when the check found no entry`
	return v
}

// An Add whose look under the lock returns where the key is missing: it
// replaces what it finds.
type replaceCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *replaceCache) Get(id string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *replaceCache) Add(id string, blob []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) > 100 {
		return
	}
	c.m[id] = blob
}

func (c *replaceCache) getOrCompute(id string, compute func() []byte) []byte {
	if blob, ok := c.Get(id); ok {
		return blob
	}
	blob := compute()
	c.Add(id, blob) // want `runs only when the check found no entry`
	return blob
}

// An Add that looks again before taking its lock: another goroutine can
// add in between.
type unlockedCache struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (c *unlockedCache) Get(id string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *unlockedCache) Add(id string, blob []byte) {
	if _, ok := c.m[id]; ok {
		return
	}
	c.mu.Lock()
	c.m[id] = blob // want `read with no lock held, on line 165 runs only when the check found no entry`
	c.mu.Unlock()
}

func (c *unlockedCache) getOrCompute(id string, compute func() []byte) []byte {
	if blob, ok := c.Get(id); ok {
		return blob
	}
	blob := compute()
	c.Add(id, blob) // want `runs only when the check found no entry`
	return blob
}
