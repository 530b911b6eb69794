package plainmaps

import (
	"container/list"
	"sync"
)

// jellydator/ttlcache's Cache at 0a03e09^ (ttlcache#107, fixed in 0a03e09),
// generics left out: getWithOpts locks around the unlocked get and answers
// a miss with the loader's result when there is a loader; set, also
// unlocked at its write, counts the insertion under another mutex. Two
// GetOrSets that miss both Set, and both report that they set the value.

type loaderItem struct {
	key   string
	value int
}

type Loader interface {
	Load(c *LoaderCache, key string) *loaderItem
}

type LoaderCache struct {
	itemsMu sync.Mutex
	values  map[string]*list.Element
	lru     *list.List

	loader Loader

	metricsMu  sync.Mutex
	insertions uint64
}

// get must be called with itemsMu held.
func (c *LoaderCache) get(key string) *list.Element {
	elem := c.values[key]
	if elem == nil {
		return nil
	}
	c.lru.MoveToFront(elem)
	return elem
}

// set must be called with itemsMu held.
func (c *LoaderCache) set(key string, value int) *loaderItem {
	elem := c.get(key)
	if elem != nil {
		item := elem.Value.(*loaderItem)
		item.value = value
		return item
	}
	item := &loaderItem{key: key, value: value}
	elem = c.lru.PushFront(item)
	c.values[key] = elem

	c.metricsMu.Lock()
	c.insertions++
	c.metricsMu.Unlock()
	return item
}

func (c *LoaderCache) getWithOpts(key string) *loaderItem {
	c.itemsMu.Lock()
	elem := c.get(key)
	c.itemsMu.Unlock()
	if elem == nil {
		if c.loader != nil {
			return c.loader.Load(c, key)
		}
		return nil
	}
	return elem.Value.(*loaderItem)
}

func (c *LoaderCache) Set(key string, value int) *loaderItem {
	c.itemsMu.Lock()
	defer c.itemsMu.Unlock()
	return c.set(key, value)
}

func (c *LoaderCache) delete(key string) {
	delete(c.values, key)
}

func (c *LoaderCache) Delete(key string) {
	c.itemsMu.Lock()
	defer c.itemsMu.Unlock()
	c.delete(key)
}

func (c *LoaderCache) GetOrSet(key string, value int) (*loaderItem, bool) {
	if item := c.getWithOpts(key); item != nil {
		return item, true
	}
	return c.Set(key, value), false // want `c.Set\(key, value\), which makes c.values\[key\] = … under c.itemsMu through Set → set \(loader.go:54\), after c.getWithOpts\(key\), which reads c.values\[key\] under c.itemsMu, on line 92 runs only when the check found no entry`
}

// GetAndDelete is the bug's other half: where the map holds the key,
// getWithOpts answers its item, and two callers both get it, both delete
// it and both report that it was present.
func (c *LoaderCache) GetAndDelete(key string) (*loaderItem, bool) {
	item := c.getWithOpts(key)
	if item == nil {
		return nil, false
	}
	c.Delete(key) // want `c.Delete\(key\), which makes delete\(c.values, key\) under c.itemsMu through Delete → delete \(loader.go:\d+\), after c.getWithOpts\(key\), which reads c.values\[key\] under c.itemsMu, on line \d+ takes`
	return item, true
}

// The fix: one critical section each.
func (c *LoaderCache) GetOrSetFixed(key string, value int) (*loaderItem, bool) {
	c.itemsMu.Lock()
	defer c.itemsMu.Unlock()
	if elem := c.get(key); elem != nil {
		return elem.Value.(*loaderItem), true
	}
	return c.set(key, value), false
}

func (c *LoaderCache) GetAndDeleteFixed(key string) (*loaderItem, bool) {
	c.itemsMu.Lock()
	defer c.itemsMu.Unlock()
	elem := c.get(key)
	if elem == nil {
		return nil, false
	}
	c.delete(key)
	return elem.Value.(*loaderItem), true
}
