// Fixed version of the t17 message cache: AcquireFixed takes the new reference
// while still holding c.mu, in the same critical section as the index lookup.
// A buffer that is present in the index always still owns the index's
// reference (Evict removes it from the index under c.mu before releasing that
// reference), so refs >= 1 at that point and the increment can never revive a
// recycled buffer. (A lock-free CAS "increment if positive" alone would not
// be enough: a recycled buffer reused for a new message has refs == 1 again.)
package t17

// AcquireFixed returns the buffer at offset with a reference, or nil.
func (c *Cache) AcquireFixed(off int64) *Buffer {
	c.mu.Lock()
	defer c.mu.Unlock()
	b, ok := c.byOff[off]
	if !ok {
		return nil
	}
	b.refs.Add(1)
	return b
}

// SendToFixed streams the message at off using the cache when possible.
func (c *Cache) SendToFixed(off int64, write func([]byte) error, fromDisk func(int64) ([]byte, error)) error {
	if b := c.AcquireFixed(off); b != nil {
		defer b.Release()
		return write(b.Bytes())
	}
	data, err := fromDisk(off)
	if err != nil {
		return err
	}
	return write(data)
}
