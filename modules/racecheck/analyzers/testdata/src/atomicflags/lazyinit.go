package atomicflags

import (
	"sync"
	"sync/atomic"
)

type client struct{ addr string }

func dial(addr string) (*client, error) { return &client{addr: addr}, nil }

func (c *client) Close() error { return nil }

// A client made on first use and kept in an atomic pointer: two goroutines
// that both load nil both dial, and the client stored first is overwritten
// and never closed.
type pool struct {
	addr   string
	client atomic.Pointer[client]
	once   sync.Once
	config atomic.Pointer[settings]
}

func (p *pool) get() (*client, error) {
	if c := p.client.Load(); c != nil {
		return c, nil
	}
	c, err := dial(p.addr)
	if err != nil {
		return nil, err
	}
	p.client.Store(c) // want `p.client.Store\(c\) after p.client.Load\(\) on line 25 runs only when the check found nil, but is not atomic with it: another goroutine can find nil and store its own in between, and the one overwritten is never closed; use CompareAndSwap\(nil, c\), and close c and load the winner when it fails`
	return c, nil
}

// The fix: CompareAndSwap, and the loser closes its own.
func (p *pool) getSwapped() (*client, error) {
	if c := p.client.Load(); c != nil {
		return c, nil
	}
	c, err := dial(p.addr)
	if err != nil {
		return nil, err
	}
	if !p.client.CompareAndSwap(nil, c) {
		c.Close()
		return p.client.Load(), nil
	}
	return c, nil
}

// Inside what a sync.Once runs, it runs once.
func (p *pool) getOnce() *client {
	p.once.Do(func() {
		if p.client.Load() == nil {
			c, _ := dial(p.addr)
			p.client.Store(c)
		}
	})
	return p.client.Load()
}

// A value with nothing to release: racing builders each make an equal one.
type settings struct{ n int }

func (p *pool) settings() *settings {
	if s := p.config.Load(); s != nil {
		return s
	}
	s := &settings{n: 1}
	p.config.Store(s)
	return s
}

// A client handed in: the caller made it, and may keep it.
func (p *pool) set(c *client) {
	if p.client.Load() == nil {
		p.client.Store(c)
	}
}

// A generic lazy holder whose constructor is a field, instantiated in the
// package with a client (textbook set 8, t06; set 6, t06): two first
// callers both construct, and the client stored first is replaced and
// never closed.
type lazyOf[T any] struct {
	New func() T
	p   atomic.Pointer[T]
}

func (l *lazyOf[T]) Get() T {
	if v := l.p.Load(); v != nil {
		return *v
	}
	v := l.New()
	l.p.Store(&v) // want `l.p.Store\(&v\) after l.p.Load\(\) on line \d+ runs only when the check found nil, but is not atomic with it: another goroutine can find nil and store its own in between, and the one overwritten is never closed; use CompareAndSwap\(nil, &v\), and close v and load the winner when it fails`
	return v
}

var regionClients = map[string]*lazyOf[*client]{
	"eu": {New: func() *client { c, _ := dial("eu"); return c }},
}

// Near-miss: a generic holder only instantiated with values that have
// nothing to release: racing builders each make an equal one.
type memoOf[T any] struct {
	New func() T
	p   atomic.Pointer[T]
}

func (m *memoOf[T]) Get() T {
	if v := m.p.Load(); v != nil {
		return *v
	}
	v := m.New()
	m.p.Store(&v)
	return v
}

var tableMemo = memoOf[[]int]{New: func() []int { return []int{1, 2, 3} }}
