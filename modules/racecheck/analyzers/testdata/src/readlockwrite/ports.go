package readlockwrite

import "sync"

// Ports of container/list and of an LRU, with no lock of their own: their
// methods of the same names change them the same way.

// node and genericList are a port of container/list with type parameters,
// as bahlo/generic-list-go is.
type node[T any] struct {
	next, prev *node[T]
	Value      T
}

type genericList[T any] struct {
	root node[T]
	len  int
}

func (l *genericList[T]) lazyInit() {
	if l.root.next == nil {
		l.root.next, l.root.prev = &l.root, &l.root
	}
}

func (l *genericList[T]) insert(e, at *node[T]) *node[T] {
	e.prev, e.next = at, at.next
	e.prev.next, e.next.prev = e, e
	l.len++
	return e
}

func (l *genericList[T]) Front() *node[T] {
	if l.len == 0 {
		return nil
	}
	return l.root.next
}

func (l *genericList[T]) Back() *node[T] {
	if l.len == 0 {
		return nil
	}
	return l.root.prev
}

func (l *genericList[T]) Len() int { return l.len }

func (l *genericList[T]) PushFront(v T) *node[T] {
	l.lazyInit()
	return l.insert(&node[T]{Value: v}, &l.root)
}

func (l *genericList[T]) PushBack(v T) *node[T] {
	l.lazyInit()
	return l.insert(&node[T]{Value: v}, l.root.prev)
}

func (l *genericList[T]) MoveToFront(e *node[T]) {
	if l.root.next == e {
		return
	}
	e.prev.next, e.next.prev = e.next, e.prev
	l.len--
	l.insert(e, &l.root)
}

func (l *genericList[T]) Remove(e *node[T]) T {
	e.prev.next, e.next.prev = e.next, e.prev
	l.len--
	return e.Value
}

// callback is MetaCubeX/mihomo's generic Callback before 4eb13a73 (each
// method names its own type parameter, yet c.mutex is one field): Register pushes
// onto the list under the read lock, while the closer removes from it under
// the write lock.
type callback[T any] struct {
	list  genericList[func(T)]
	mutex sync.RWMutex
}

func (c *callback[T]) Register(item func(T)) *node[func(T)] {
	c.mutex.RLock()
	defer c.mutex.RUnlock()
	return c.list.PushBack(item) // want `c.list.PushBack\(…\) changes c.list while only c.mutex's read lock .* corrupts its links; the package writes c.list with c.mutex's write lock held`
}

func (c *callback[T]) Emit(item T) {
	c.mutex.RLock()
	defer c.mutex.RUnlock()
	for e := c.list.Front(); e != nil; e = e.next {
		go e.Value(item)
	}
}

func (c *callback[T]) Unregister(e *node[func(T)]) {
	c.mutex.Lock()
	defer c.mutex.Unlock()
	c.list.Remove(e)
}

// Near-miss: a list with a lock of its own synchronises its methods.
type syncList struct {
	mu    sync.Mutex
	items genericList[int]
}

func (l *syncList) Front() *node[int] { l.mu.Lock(); defer l.mu.Unlock(); return l.items.Front() }
func (l *syncList) Back() *node[int]  { l.mu.Lock(); defer l.mu.Unlock(); return l.items.Back() }
func (l *syncList) Len() int          { l.mu.Lock(); defer l.mu.Unlock(); return l.items.Len() }
func (l *syncList) PushFront(v int) *node[int] {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.items.PushFront(v)
}
func (l *syncList) PushBack(v int) *node[int] {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.items.PushBack(v)
}
func (l *syncList) MoveToFront(e *node[int]) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items.MoveToFront(e)
}
func (l *syncList) Remove(e *node[int]) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.items.Remove(e)
}

type queue struct {
	mu      sync.RWMutex
	pending *syncList
}

func (q *queue) Reset() {
	q.mu.Lock()
	q.pending = &syncList{}
	q.mu.Unlock()
}

func (q *queue) Add(v int) {
	q.mu.RLock()
	defer q.mu.RUnlock()
	q.pending.PushBack(v)
}
