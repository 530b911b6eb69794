package t07

// FIX: "increment only if not zero" is done as one atomic step with a
// compare-and-swap loop (tryRetainFixed). Once refs has reached zero it can
// never be brought back, so a block whose buffer was recycled can never be
// handed out again; the caller falls back to loading a fresh block.

// tryRetainFixed takes a reference unless the block is already dead.
func (b *Block) tryRetainFixed() bool {
	for {
		n := b.refs.Load()
		if n <= 0 {
			return false
		}
		if b.refs.CompareAndSwap(n, n+1) {
			return true
		}
	}
}

// AcquireFixed returns a referenced block, loading it if needed.
func (c *Cache) AcquireFixed(id uint64) *Block {
	c.mu.RLock()
	b := c.blocks[id]
	c.mu.RUnlock()
	if b != nil && b.tryRetainFixed() {
		return b
	}
	return c.fill(id)
}
