package lockedmaps

import (
	"errors"
	"sync"
)

// Reads of a Go map used in place, not assigned as they are: inside the
// expression a variable is computed from, inside a condition, and a
// getter's answer inside the value a setter is handed.

type conn struct{ addr string }

func newConn(addr string) *conn { return &conn{addr: addr} }

type pool struct {
	mu    sync.RWMutex
	conns map[string]*conn
	uses  map[string]int
}

// The count is computed from the read in place, then written back under
// the lock taken again.
func (p *pool) use(addr string) {
	p.mu.RLock()
	n := p.uses[addr] + 1
	p.mu.RUnlock()
	p.mu.Lock()
	p.uses[addr] = n // want `p.uses\[addr\] = … after p.uses\[addr\] on line 26 stores a value computed from the loaded one, but is not atomic with it: another goroutine can update addr in between, and that update is lost; use one lock held across the check and the write`
	p.mu.Unlock()
}

// A get-or-create whose check is the condition itself: two goroutines
// that both miss each dial, and the connection stored first is replaced
// while its dialer goes on using it.
func (p *pool) get(addr string) *conn {
	p.mu.RLock()
	if p.conns[addr] != nil {
		c := p.conns[addr]
		p.mu.RUnlock()
		return c
	}
	p.mu.RUnlock()
	c := newConn(addr)
	p.mu.Lock()
	p.conns[addr] = c // want `p.conns\[addr\] = … after p.conns\[addr\] on line 38 runs only when the check found no entry, but is not atomic with it: another goroutine can store addr in between, and this assignment replaces that value while the other goroutine goes on using it; use one lock held across the check and the write`
	p.mu.Unlock()
	return c
}

// Near-miss: the condition and the write under one lock.
func (p *pool) getHeld(addr string) *conn {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conns[addr] == nil {
		p.conns[addr] = newConn(addr)
	}
	return p.conns[addr]
}

func (p *pool) count(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.uses[addr]
}

func (p *pool) setCount(addr string, n int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.uses[addr] = n
}

// A getter's answer inside the value handed to a setter: two steps, each
// under the lock, and the increments made between them are lost.
func (p *pool) useVia(addr string) {
	p.setCount(addr, p.count(addr)+1) // want `p.setCount\(addr, p.count\(addr\)\+1\), which makes p.uses\[addr\] = … under p.mu through setCount \(inline.go:[0-9]+\), after p.count\(addr\), which reads p.uses\[addr\] under p.mu, on line [0-9]+ stores a value computed from the loaded one, but is not atomic with it: another goroutine can update addr in between, and that update is lost; use one lock held across the check and the write, in one function in place of this read and setCount`
}

// Near-miss: the setter handed a value of the caller's own.
func (p *pool) resetVia(addr string) {
	p.setCount(addr, 0)
}

func dial(addr string) (*conn, error) {
	if addr == "" {
		return nil, errNoAddr
	}
	return &conn{addr: addr}, nil
}

var errNoAddr = errors.New("no address")

// A get-or-create whose new object comes from a function of the package
// that returns only new objects (or an error).
func (p *pool) dialed(addr string) (*conn, error) {
	p.mu.RLock()
	c, ok := p.conns[addr]
	p.mu.RUnlock()
	if ok {
		return c, nil
	}
	c, err := dial(addr)
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.conns[addr] = c // want `p.conns\[addr\] = … after p.conns\[addr\] on line [0-9]+ runs only when the check found no entry`
	p.mu.Unlock()
	return c, nil
}

func (p *pool) lookupShared(addr string) *conn { return p.conns[addr] }

// Near-miss: what is stored comes from a function that hands back an
// object that already exists, not a new one.
func (p *pool) adopt(addr string, from *pool) *conn {
	p.mu.RLock()
	c, ok := p.conns[addr]
	p.mu.RUnlock()
	if ok {
		return c
	}
	c = from.lookupShared(addr)
	p.mu.Lock()
	p.conns[addr] = c
	p.mu.Unlock()
	return c
}

// hashicorp/vault builtin/logical/database/backend.go at 014783e (fixed
// in vault#26147): a connection got through a getter that read-locks, and,
// where there was none, a new one made and handed to a setter that swaps
// it in and hands back the one it replaced, which the caller closes. Two
// callers that both miss each make one; the second swap closes the first
// caller's connection while it uses it.
type dbInstance struct{ name string }

func (d *dbInstance) Close() error { return nil }

type dbBackend struct {
	connLock    sync.RWMutex
	connections map[string]*dbInstance
}

func (b *dbBackend) connGet(name string) *dbInstance {
	b.connLock.RLock()
	defer b.connLock.RUnlock()
	return b.connections[name]
}

func (b *dbBackend) connPut(name string, dbi *dbInstance) *dbInstance {
	b.connLock.Lock()
	defer b.connLock.Unlock()
	old := b.connections[name]
	b.connections[name] = dbi
	return old
}

func (b *dbBackend) connPutIfEmpty(name string, dbi *dbInstance) *dbInstance {
	b.connLock.Lock()
	defer b.connLock.Unlock()
	if old, ok := b.connections[name]; ok {
		return old
	}
	b.connections[name] = dbi
	return nil
}

func (b *dbBackend) GetConnection(name string) *dbInstance {
	dbi := b.connGet(name)
	if dbi != nil {
		return dbi
	}
	dbi = &dbInstance{name: name}
	if old := b.connPut(name, dbi); old != nil { // want `b.connPut\(name, dbi\), which makes b.connections\[name\] = … under b.connLock through connPut \(inline.go:[0-9]+\), after b.connGet\(name\), which reads b.connections\[name\] under b.connLock, on line [0-9]+ runs only when the check found no entry`
		old.Close()
	}
	return dbi
}

// The fix: the setter stores only where it finds nothing, under its lock,
// and the caller keeps the connection already there.
func (b *dbBackend) GetConnectionFixed(name string) *dbInstance {
	dbi := b.connGet(name)
	if dbi != nil {
		return dbi
	}
	dbi = &dbInstance{name: name}
	if existing := b.connPutIfEmpty(name, dbi); existing != nil {
		dbi.Close()
		return existing
	}
	return dbi
}

// afex/hystrix-go circuit.go at c4d7077 (fixed in eac8ac3, hystrix-go#26):
// GetCircuit misses under RLock, takes Lock and stores a new breaker made
// in place, with no second look, then answers the map's entry; two callers
// that both miss each make a breaker (each starting its metrics
// goroutine), the first is replaced, and both answer that they created it.
type circuitBreaker struct{ name string }

func newCircuitBreaker(name string) *circuitBreaker { return &circuitBreaker{name: name} }

var (
	circuitBreakersMutex sync.RWMutex
	circuitBreakers      = map[string]*circuitBreaker{}
)

func GetCircuit(name string) (*circuitBreaker, bool) {
	circuitBreakersMutex.RLock()
	_, ok := circuitBreakers[name]
	if !ok {
		circuitBreakersMutex.RUnlock()
		circuitBreakersMutex.Lock()
		defer circuitBreakersMutex.Unlock()
		circuitBreakers[name] = newCircuitBreaker(name) // want `circuitBreakers\[name\] = … after circuitBreakers\[name\] on line [0-9]+ runs only when the check found no entry`
	} else {
		defer circuitBreakersMutex.RUnlock()
	}
	return circuitBreakers[name], !ok
}

// The fix: look again under the write lock.
func GetCircuitFixed(name string) (*circuitBreaker, bool) {
	circuitBreakersMutex.RLock()
	_, ok := circuitBreakers[name]
	if !ok {
		circuitBreakersMutex.RUnlock()
		circuitBreakersMutex.Lock()
		defer circuitBreakersMutex.Unlock()
		if cb, ok := circuitBreakers[name]; ok {
			return cb, false
		}
		circuitBreakers[name] = newCircuitBreaker(name)
	} else {
		defer circuitBreakersMutex.RUnlock()
	}
	return circuitBreakers[name], !ok
}
