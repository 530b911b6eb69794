// Package walrus16 reconstructs a data race in Couchbase's Walrus, the
// in-memory bucket behind Sync Gateway's tests: Incr with an amount of zero
// only reads the counter, so it took the read lock, but when the key did not
// exist it created it with the default value, a map write under a read lock.
//
//   - Project: couchbaselabs/walrus (walrus.go)
//   - Bug report and fix: https://github.com/couchbaselabs/walrus/pull/16
//     (Incr always takes the write lock)
//   - Shape: atomicity violation: a write performed while holding only the
//     read side of an RWMutex, racing with other readers.
//   - Fixed twin: Incr always takes the write lock (the upstream fix).
package walrus16

import "sync"

// Bucket is an in-memory key-value bucket.
type Bucket struct {
	mu       sync.RWMutex
	counters map[string]uint64
}

// NewBucket returns an empty bucket.
func NewBucket() *Bucket { return &Bucket{counters: make(map[string]uint64)} }

// Incr adds amt to the counter key, creating it with def if it is missing,
// and returns the new value.
func (b *Bucket) Incr(key string, amt, def uint64) uint64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	v, ok := b.counters[key]
	if !ok {
		b.counters[key] = def
		return def
	}
	v += amt
	b.counters[key] = v
	return v
}
