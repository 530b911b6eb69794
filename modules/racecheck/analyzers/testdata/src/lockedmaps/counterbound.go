package lockedmaps

import (
	"errors"
	"sync"
)

// redis/go-redis internal/pool/pool.go at a157737 (fixed in 36bab9c,
// go-redis#2885): the pool refuses a new connection when full, with no
// lock held, dials, and counts the connection under connsMu; every caller
// that passed the check while the others dialled counts one, and the pool
// grows past MaxActiveConns.
var errPoolExhausted = errors.New("connection pool exhausted")

type poolConfig struct{ MaxActiveConns, PoolSize int }

type connPool struct {
	cfg      poolConfig
	connsMu  sync.Mutex
	conns    []int
	poolSize int
}

func (p *connPool) dial() int { return 1 }

func (p *connPool) newConn() (int, error) {
	if p.cfg.MaxActiveConns > 0 && p.poolSize >= p.cfg.MaxActiveConns {
		return 0, errPoolExhausted
	}
	cn := p.dial()
	p.connsMu.Lock()
	defer p.connsMu.Unlock()
	p.conns = append(p.conns, cn)
	if p.poolSize >= p.cfg.PoolSize {
		return cn, nil
	}
	p.poolSize++ // want `p.poolSize\+\+ under p.connsMu after the bound check on line 27, made with no lock held, is not atomic with it: another goroutine can pass the check in between, and p.poolSize grows past p.cfg.MaxActiveConns; hold p.connsMu across the check and the increment`
	return cn, nil
}

// The fix looks again under the lock.
func (p *connPool) newConnFixed() (int, error) {
	if p.cfg.MaxActiveConns > 0 && p.poolSize >= p.cfg.MaxActiveConns {
		return 0, errPoolExhausted
	}
	cn := p.dial()
	p.connsMu.Lock()
	defer p.connsMu.Unlock()
	if p.cfg.MaxActiveConns > 0 && p.poolSize >= p.cfg.MaxActiveConns {
		return 0, errPoolExhausted
	}
	p.poolSize++
	return cn, nil
}

// Near-misses: the check under the lock the increment is made with; a
// test for zero; a count of a local value.
func (p *connPool) newConnLocked() (int, error) {
	p.connsMu.Lock()
	defer p.connsMu.Unlock()
	if p.poolSize >= p.cfg.MaxActiveConns {
		return 0, errPoolExhausted
	}
	p.poolSize++
	return p.dial(), nil
}

func (p *connPool) first() bool {
	if p.poolSize > 0 {
		return false
	}
	p.connsMu.Lock()
	p.poolSize++
	p.connsMu.Unlock()
	return true
}

func (p *connPool) copyCount(limit int) int {
	local := &connPool{}
	if local.poolSize >= limit {
		return 0
	}
	p.connsMu.Lock()
	local.poolSize++
	p.connsMu.Unlock()
	return local.poolSize
}

// langgenius/dify-sandbox internal/middleware/cocrrent.go at a2b908e0
// (fixed in 402dac1f, dify-sandbox#237): the count is compared under the
// read lock, released, and incremented under the write lock; requests
// that all pass the check all count.
type maxRequest struct {
	lock    sync.RWMutex
	current int
	max     int
}

func (m *maxRequest) enter() bool {
	m.lock.RLock()
	if m.current >= m.max {
		m.lock.RUnlock()
		return false
	}
	m.lock.RUnlock()
	m.lock.Lock()
	m.current++ // want `m.current\+\+ under m.lock after the bound check on line 101, made under its read lock, released before it, is not atomic with it`
	m.lock.Unlock()
	return true
}
