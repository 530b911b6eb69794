package s10

// AddFixed inserts and evicts in a single critical section, trimming the list
// back to MaxEntries after the insert, so concurrent Adds can never leave more
// than MaxEntries entries. Evicted entries are collected and OnEvict is still
// called after the lock is released.
func (c *Cache) AddFixed(key string, page []byte) {
	var evicted []*entry

	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		el.Value.(*entry).page = page
		c.ll.MoveToFront(el)
	} else {
		c.items[key] = c.ll.PushFront(&entry{key: key, page: page})
		for c.ll.Len() > c.MaxEntries {
			e := c.ll.Remove(c.ll.Back()).(*entry)
			delete(c.items, e.key)
			evicted = append(evicted, e)
		}
	}
	c.mu.Unlock()

	if c.OnEvict != nil {
		for _, e := range evicted {
			c.OnEvict(e.key, e.page)
		}
	}
}
