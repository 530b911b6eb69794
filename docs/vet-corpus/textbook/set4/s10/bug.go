// Package s10 is a bounded LRU cache of rendered pages built on container/list.
//
// BUG (capacity check in one critical section, insert in another): Add
// measures ll.Len() >= max under the lock, drops the lock so the OnEvict
// callback (which writes the page back to disk) does not run under it, and
// re-locks to insert. Add is called by every request goroutine on a miss, so
// after a deploy, when the cache is cold and traffic is high, many
// goroutines see "not full" and all insert. Nothing ever evicts the excess:
// the cache grows past MaxEntries without bound and the process gets
// OOM-killed in its memory-limited container.
package s10

import (
	"container/list"
	"sync"
)

type entry struct {
	key  string
	page []byte
}

// Cache is safe for concurrent use.
type Cache struct {
	MaxEntries int
	OnEvict    func(key string, page []byte) // called without the lock held

	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

func New(max int, onEvict func(string, []byte)) *Cache {
	return &Cache{MaxEntries: max, OnEvict: onEvict, ll: list.New(), items: map[string]*list.Element{}}
}

func (c *Cache) Get(key string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key]
	if !ok {
		return nil, false
	}
	c.ll.MoveToFront(el)
	return el.Value.(*entry).page, true
}

func (c *Cache) removeOldest() {
	c.mu.Lock()
	el := c.ll.Back()
	if el == nil {
		c.mu.Unlock()
		return
	}
	e := c.ll.Remove(el).(*entry)
	delete(c.items, e.key)
	c.mu.Unlock()

	if c.OnEvict != nil {
		c.OnEvict(e.key, e.page)
	}
}

// Add inserts or refreshes key, evicting the least recently used page first
// if the cache is full.
func (c *Cache) Add(key string, page []byte) {
	c.mu.Lock()
	full := c.ll.Len() >= c.MaxEntries
	c.mu.Unlock()

	if full {
		c.removeOldest()
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[key]; ok {
		el.Value.(*entry).page = page
		c.ll.MoveToFront(el)
		return
	}
	c.items[key] = c.ll.PushFront(&entry{key: key, page: page})
}
