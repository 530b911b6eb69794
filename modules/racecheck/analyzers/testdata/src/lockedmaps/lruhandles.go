package lockedmaps

import (
	"container/list"
	"os"
	"sync"
)

// An LRU of open files, a list for recency and a map from name to the
// list's element, each helper locking: Open misses through get, opens the
// file and hands it to add, which wraps it in an element and stores that
// without looking again. Two readers that miss one name both open it; the
// map keeps the second element, the first stays in the list unindexed and
// its file is never closed until it is evicted, when it deletes the live
// element's entry (textbook set 5, t13).

type lruEntry struct {
	name string
	f    *os.File
}

type fileLRU struct {
	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

func (c *fileLRU) get(name string) (*os.File, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		c.ll.MoveToFront(el)
		return el.Value.(*lruEntry).f, true
	}
	return nil, false
}

func (c *fileLRU) add(name string, f *os.File) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[name] = c.ll.PushFront(&lruEntry{name: name, f: f})
}

func (c *fileLRU) addIfAbsent(name string, f *os.File) *os.File {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		return el.Value.(*lruEntry).f
	}
	c.items[name] = c.ll.PushFront(&lruEntry{name: name, f: f})
	return f
}

func (c *fileLRU) Open(name string) (*os.File, error) {
	if f, ok := c.get(name); ok {
		return f, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	c.add(name, f) // want `c.add\(name, f\), which makes c.items\[name\] = … under c.mu through add \(lruhandles.go:[0-9]+\), after c.get\(name\), which reads c.items\[name\] under c.mu, on line [0-9]+ runs only when the check found no entry`
	return f, nil
}

// Near-miss: the fix stores only where add finds nothing, under its lock,
// and closes its own file when another reader's is there.
func (c *fileLRU) OpenFixed(name string) (*os.File, error) {
	if f, ok := c.get(name); ok {
		return f, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	if kept := c.addIfAbsent(name, f); kept != f {
		f.Close()
		return kept, nil
	}
	return f, nil
}

// An LRU of sizes, values that own nothing: either size kept is right,
// but add pushes a second element for the key, which stays in the list
// unindexed, counted against the capacity, and deletes the live entry
// when it is evicted (textbook set 6, t11).
type sizeEntry struct {
	name string
	size int64
}

type sizeLRU struct {
	mu    sync.Mutex
	ll    *list.List
	items map[string]*list.Element
}

func (c *sizeLRU) get(name string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.items[name]; ok {
		return el.Value.(*sizeEntry).size, true
	}
	return 0, false
}

func (c *sizeLRU) add(name string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.items[name] = c.ll.PushFront(&sizeEntry{name: name, size: size})
}

func (c *sizeLRU) Size(name string) (int64, error) {
	if n, ok := c.get(name); ok {
		return n, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	c.add(name, st.Size()) // want `c.add\(name, st.Size\(\)\), which makes c.items\[name\] = … under c.mu through add \(lruhandles.go:[0-9]+\), after c.get\(name\), which reads c.items\[name\] under c.mu, on line [0-9]+ runs only when the check found no entry`
	return st.Size(), nil
}

// Near-miss: a map of sizes with no list: two readers that miss both
// compute the size, and either one kept is right (a cache fill, reported
// only with -plainmaps).
type sizeCache struct {
	mu    sync.Mutex
	sizes map[string]int64
}

func (c *sizeCache) get(name string) (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, ok := c.sizes[name]
	return n, ok
}

func (c *sizeCache) add(name string, size int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sizes[name] = size
}

func (c *sizeCache) Size(name string) (int64, error) {
	if n, ok := c.get(name); ok {
		return n, nil
	}
	st, err := os.Stat(name)
	if err != nil {
		return 0, err
	}
	c.add(name, st.Size())
	return st.Size(), nil
}
