package lockedhelpers

import (
	"container/list"
	"sync"
)

// jellydator/ttlcache's Cache at 0a03e09^ (ttlcache#107, fixed in 0a03e09),
// generics and options left out: Delete looks the key up under the items'
// lock and hands the element it found to evict, which deletes each
// element's own key (an LRU's entry carries its key) while it holds another
// lock, the one that guards the eviction callbacks. getWithOpts locks around
// the unlocked get and answers a miss with the loader's result.
// GetAndDelete: two callers both get the item, both delete it and both
// report that it was present.

type evictItem struct {
	key   string
	value int
}

type evictLoader interface {
	Load(c *EvictCache, key string) *evictItem
}

type EvictCache struct {
	items struct {
		mu     sync.Mutex
		values map[string]*list.Element
		lru    *list.List
	}
	events struct {
		mu  sync.RWMutex
		fns []func(*evictItem)
	}
	loader evictLoader
}

// get must be called with items.mu held.
func (c *EvictCache) get(key string) *list.Element {
	elem := c.items.values[key]
	if elem == nil {
		return nil
	}
	c.items.lru.MoveToFront(elem)
	return elem
}

// evict must be called with items.mu held.
func (c *EvictCache) evict(elems ...*list.Element) {
	c.events.mu.RLock()
	for i := range elems {
		item := elems[i].Value.(*evictItem)
		delete(c.items.values, item.key)
		c.items.lru.Remove(elems[i])
		for _, fn := range c.events.fns {
			fn(item)
		}
	}
	c.events.mu.RUnlock()
}

func (c *EvictCache) getWithOpts(key string) *evictItem {
	c.items.mu.Lock()
	elem := c.get(key)
	c.items.mu.Unlock()
	if elem == nil {
		if c.loader != nil {
			return c.loader.Load(c, key)
		}
		return nil
	}
	return elem.Value.(*evictItem)
}

func (c *EvictCache) Delete(key string) {
	c.items.mu.Lock()
	defer c.items.mu.Unlock()
	elem := c.items.values[key]
	if elem == nil {
		return
	}
	c.evict(elem)
}

func (c *EvictCache) GetAndDelete(key string) (*evictItem, bool) {
	item := c.getWithOpts(key)
	if item == nil {
		return nil, false
	}
	c.Delete(key) // want `c.Delete\(key\), which makes delete\(c.items.values, key\) under c.items.mu through Delete → evict \(evict.go:\d+\), after c.getWithOpts\(key\), which reads c.items.values\[key\] under c.items.mu, on line \d+ takes the loaded entry`
	return item, true
}

// The fix: one critical section.
func (c *EvictCache) GetAndDeleteFixed(key string) (*evictItem, bool) {
	c.items.mu.Lock()
	defer c.items.mu.Unlock()
	elem := c.get(key)
	if elem == nil {
		return nil, false
	}
	c.evict(elem)
	return elem.Value.(*evictItem), true
}

// Not a delete of the key: the element evicted is the least recently
// used, whatever key it has.
func (c *EvictCache) GetAndEvictOldest(key string) (*evictItem, bool) {
	item := c.getWithOpts(key)
	if item == nil {
		return nil, false
	}
	c.EvictOldest(key)
	return item, true
}

func (c *EvictCache) EvictOldest(key string) {
	c.items.mu.Lock()
	defer c.items.mu.Unlock()
	if c.items.values[key] == nil {
		return
	}
	c.evict(c.items.lru.Back())
}
