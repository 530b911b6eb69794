// Fixed version of the t07 pool: ConnFixed reserves the slot by doing
// numOpen++ in the same critical section as the numOpen < maxOpen check, before
// dialling, and gives the slot back (numOpen-- plus a wake-up) if the dial
// fails, so numOpen can never exceed maxOpen.
package t07

import (
	"context"
	"sync"
	"time"
)

type ConnFixed struct {
	db *DBFixed
	dc *driverConn
}

type DBFixed struct {
	connector   Connector
	maxOpen     int
	maxIdle     int
	maxLifetime time.Duration

	mu      sync.Mutex
	free    []*driverConn
	numOpen int
	closed  bool
	waitCh  chan struct{}
}

func OpenFixed(c Connector, maxOpen, maxIdle int, maxLifetime time.Duration) *DBFixed {
	return &DBFixed{connector: c, maxOpen: maxOpen, maxIdle: maxIdle, maxLifetime: maxLifetime, waitCh: make(chan struct{})}
}

// wakeLocked wakes every waiter; db.mu must be held.
func (db *DBFixed) wakeLocked() {
	close(db.waitCh)
	db.waitCh = make(chan struct{})
}

func (db *DBFixed) ConnFixed(ctx context.Context) (*ConnFixed, error) {
	for {
		db.mu.Lock()
		if db.closed {
			db.mu.Unlock()
			return nil, ErrClosed
		}
		if n := len(db.free); n > 0 {
			dc := db.free[n-1]
			db.free = db.free[:n-1]
			db.mu.Unlock()
			return &ConnFixed{db: db, dc: dc}, nil
		}
		reserved := db.maxOpen <= 0 || db.numOpen < db.maxOpen
		if reserved {
			db.numOpen++
		}
		wait := db.waitCh
		db.mu.Unlock()

		if reserved {
			ci, err := db.connector.Connect(ctx)
			if err != nil {
				db.mu.Lock()
				db.numOpen--
				db.wakeLocked()
				db.mu.Unlock()
				return nil, err
			}
			return &ConnFixed{db: db, dc: &driverConn{ci: ci, createdAt: time.Now()}}, nil
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
	}
}

func (c *ConnFixed) Release(broken bool) {
	db, dc := c.db, c.dc
	expired := db.maxLifetime > 0 && time.Since(dc.createdAt) > db.maxLifetime
	db.mu.Lock()
	if !broken && !expired && !db.closed && len(db.free) < db.maxIdle {
		db.free = append(db.free, dc)
		db.wakeLocked()
		db.mu.Unlock()
		return
	}
	db.numOpen--
	db.wakeLocked()
	db.mu.Unlock()
	dc.ci.Close()
}

func (db *DBFixed) Close() error {
	db.mu.Lock()
	db.closed = true
	free := db.free
	db.free = nil
	db.numOpen -= len(free)
	db.wakeLocked()
	db.mu.Unlock()
	var first error
	for _, dc := range free {
		if err := dc.ci.Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}
