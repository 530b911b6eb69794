package lockedhelpers

import "sync"

// A generic type's helpers: each method names the receiver's type
// parameters itself, so a field is another object in every method; the
// getter's map and the remover's are still one field (the shape of
// jellydator/ttlcache's Cache[K, V], whose GetAndDelete got an item and
// then deleted it by key under the lock taken again, before 0a03e09).
type entryOf[V any] struct{ value V }

type genericCache[K comparable, V any] struct {
	mu     sync.Mutex
	values map[K]*entryOf[V]
}

func (c *genericCache[K, V]) get(key K) *entryOf[V] {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.values[key]
}

func (c *genericCache[K, V]) Delete(key K) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.values, key)
}

func (c *genericCache[Key, Value]) GetAndDelete(key Key) (*entryOf[Value], bool) {
	e := c.get(key)
	if e == nil {
		return nil, false
	}
	c.Delete(key) // want `c.Delete\(key\), which makes delete\(c.values, key\) under c.mu through Delete \(generic.go:26\), after c.get\(key\), which reads c.values\[key\] under c.mu, on line 30 takes the loaded entry`
	return e, true
}

// The fix: one critical section.
func (c *genericCache[K, V]) GetAndDeleteFixed(key K) (*entryOf[V], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.values[key]
	if ok {
		delete(c.values, key)
	}
	return e, ok
}
