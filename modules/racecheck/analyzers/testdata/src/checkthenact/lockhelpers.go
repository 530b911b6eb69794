package checkthenact

// Locks taken and released through helpers of the package: issue #19's
// follow-up case from polaris-go (pkg/flow/configuration/config_flow.go).

import (
	"hash/fnv"
	"sync"
)

// configFile: declared with its content at the end of the file.

type configFlow struct {
	files      sync.Map
	shardLocks []sync.RWMutex
	other      sync.Mutex
}

func (c *configFlow) shardIndex(key string) int {
	h := fnv.New32a()
	h.Write([]byte(key))
	return int(h.Sum32()) % len(c.shardLocks)
}

func (c *configFlow) shardLock(key string) {
	index := c.shardIndex(key)
	c.shardLocks[index].Lock()
}

func (f *configFlow) shardUnlock(cacheKey string) {
	i := f.shardIndex(cacheKey)
	f.shardLocks[i].Unlock()
}

// A lock helper with no helper that releases it does not count.
func (c *configFlow) lockOther(key string) {
	c.other.Lock()
}

// Double-checked under the shard's lock, taken and released by helpers:
// the re-check and the Store are atomic.
func (c *configFlow) file(key string) *configFile {
	if v, ok := c.files.Load(key); ok {
		return v.(*configFile)
	}
	c.shardLock(key)
	defer c.shardUnlock(key)
	if v, ok := c.files.Load(key); ok {
		return v.(*configFile)
	}
	f := &configFile{name: key}
	c.files.Store(key, f)
	return f
}

// Released before the Store: not atomic.
func (c *configFlow) fileUnlocked(key string) *configFile {
	c.shardLock(key)
	_, ok := c.files.Load(key)
	c.shardUnlock(key)
	if ok {
		return nil
	}
	f := &configFile{name: key}
	c.files.Store(key, f) // want `runs only when the check found no entry`
	return f
}

// The lock of another key's shard does not cover this key.
func (c *configFlow) fileOtherShard(key, other string) *configFile {
	c.shardLock(other)
	defer c.shardUnlock(other)
	if v, ok := c.files.Load(key); ok {
		return v.(*configFile)
	}
	f := &configFile{name: key}
	c.files.Store(key, f) // want `runs only when the check found no entry`
	return f
}

// An unpaired helper is not trusted as a lock.
func (c *configFlow) fileLockOther(key string) *configFile {
	c.lockOther(key)
	if v, ok := c.files.Load(key); ok {
		return v.(*configFile)
	}
	f := &configFile{name: key}
	c.files.Store(key, f) // want `runs only when the check found no entry`
	return f
}

// A config file holds its content besides its name: a new one has
// identity.
type configFile struct {
	name    string
	content string
}
