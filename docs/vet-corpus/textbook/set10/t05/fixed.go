package t05

// Fix: after upgrading to the write lock, GetFixed re-validates what it saw
// under the read lock: it only deletes the key if the map still holds the
// very same entry (pointer identity) and that entry is still expired. Exactly
// one goroutine - a Get or the janitor - removes a given entry from the map,
// and only that goroutine runs onEvict for it; a fresh entry installed by Set
// in the meantime is left alone.

// GetFixed returns the live client for tenant, evicting it if it has expired.
func (c *Cache) GetFixed(tenant string) (*TenantClient, bool) {
	c.mu.RLock()
	e, ok := c.items[tenant]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if c.now().Before(e.expires) {
		return e.client, true
	}

	c.mu.Lock()
	cur, still := c.items[tenant]
	if !still || cur != e {
		// Someone else evicted or replaced it; report what is there now.
		var live *TenantClient
		if still && c.now().Before(cur.expires) {
			live = cur.client
		}
		c.mu.Unlock()
		return live, live != nil
	}
	delete(c.items, tenant)
	c.mu.Unlock()
	c.onEvict(tenant, e.client)
	return nil, false
}
