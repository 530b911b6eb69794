// Package t19 is the connection layer of a database driver that talks to a
// sharded cluster: one connection pool per shard host, created on first use.
// A pool pre-dials MinIdle connections and runs a maintenance goroutine that
// keeps the idle set topped up. Pool creation goes through a small generic
// Lazy[T] helper that the driver uses for all its expensive singletons.
//
// [hard]
//
// Concurrency: Driver.Conn is called from every query goroutine of the
// application; the first queries after start-up (or after a new shard
// appears in topology) hit a host concurrently. Driver.poolFor is correctly
// locked: it creates the Lazy cell for a host exactly once. Close is called
// at shutdown, after the application has stopped issuing queries (the same
// contract as sql.DB.Close).
//
// BUG: the check-then-act is inside the generic helper: Lazy.Get checks
// v.Load() == nil, runs init, and Stores the result, with nothing in
// between. Several goroutines that reach the same still-empty cell all run
// init, i.e. newHostPool, and each Store overwrites the previous pool.
//
// HARM: every losing pool keeps its MinIdle pre-dialed server connections and
// its maintenance goroutine (which re-dials forever) but is unreachable from
// the driver, so Close never closes it. Callers that got a losing pool also
// return their connections to it. On a cold start with many goroutines and
// many shards this multiplies server connections until the database's
// max_connections limit is hit and new clients - including other services -
// are refused.
package t19

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Lazy holds a value computed on first use.
type Lazy[T any] struct {
	v    atomic.Pointer[T]
	init func() (T, error)
}

// Get returns the value, computing it on first use. Errors are not cached.
func (l *Lazy[T]) Get() (T, error) {
	if p := l.v.Load(); p != nil {
		return *p, nil
	}
	v, err := l.init()
	if err != nil {
		var zero T
		return zero, err
	}
	l.v.Store(&v)
	return v, nil
}

type hostPool struct {
	host    string
	dial    func(ctx context.Context, addr string) (net.Conn, error)
	idle    chan net.Conn
	minIdle int
	stop    chan struct{}
}

func (p *hostPool) topUp() {
	for len(p.idle) < p.minIdle {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		c, err := p.dial(ctx, p.host)
		cancel()
		if err != nil {
			return
		}
		select {
		case p.idle <- c:
		default:
			c.Close()
			return
		}
	}
}

func (p *hostPool) maintain() {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.topUp()
		}
	}
}

func (p *hostPool) get(ctx context.Context) (net.Conn, error) {
	select {
	case c := <-p.idle:
		return c, nil
	default:
		return p.dial(ctx, p.host)
	}
}

// Put returns c to the pool.
func (p *hostPool) Put(c net.Conn) {
	select {
	case p.idle <- c:
	default:
		c.Close()
	}
}

func (p *hostPool) close() {
	close(p.stop)
	for {
		select {
		case c := <-p.idle:
			c.Close()
		default:
			return
		}
	}
}

// Driver routes connections to per-host pools.
type Driver struct {
	Dial    func(ctx context.Context, addr string) (net.Conn, error)
	MinIdle int

	mu    sync.Mutex
	pools map[string]*Lazy[*hostPool]
}

func (d *Driver) newHostPool(host string) (*hostPool, error) {
	p := &hostPool{host: host, dial: d.Dial, idle: make(chan net.Conn, 4*d.MinIdle+1), minIdle: d.MinIdle, stop: make(chan struct{})}
	p.topUp()
	go p.maintain()
	return p, nil
}

func (d *Driver) poolFor(host string) *Lazy[*hostPool] {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.pools == nil {
		d.pools = make(map[string]*Lazy[*hostPool])
	}
	l, ok := d.pools[host]
	if !ok {
		l = &Lazy[*hostPool]{init: func() (*hostPool, error) { return d.newHostPool(host) }}
		d.pools[host] = l
	}
	return l
}

// Conn returns a connection to host and the pool to return it to.
func (d *Driver) Conn(ctx context.Context, host string) (net.Conn, *hostPool, error) {
	p, err := d.poolFor(host).Get()
	if err != nil {
		return nil, nil, err
	}
	c, err := p.get(ctx)
	return c, p, err
}

// Close shuts down every pool.
func (d *Driver) Close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, l := range d.pools {
		if p := l.v.Load(); p != nil {
			(*p).close()
		}
	}
}
