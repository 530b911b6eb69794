// Package t07 is the connection pool of a database handle, in the style of
// database/sql's DB.conn / putConn with MaxOpenConns.
//
// Concurrency: every request goroutine calls DB.Conn to borrow a connection
// and Conn.Release to return it. All pool bookkeeping (free list, numOpen) is
// protected by db.mu; dialling happens without the lock because it is slow.
//
// BUG: Conn takes db.mu, sees no free connection and numOpen < maxOpen,
// releases the lock, dials, and only afterwards re-locks to do numOpen++.
// A burst of goroutines all pass the limit check before any of them counts
// its new connection.
// check: db.numOpen < db.maxOpen (under db.mu) -> act: db.numOpen++ after connector.Connect (under db.mu again).
//
// HARM: the pool opens far more than MaxOpenConns connections (one per
// concurrent caller). The database hits max_connections and starts refusing
// every client, including other services sharing it: a traffic spike turns
// into a full database outage.
package t07

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
)

var ErrClosed = errors.New("sql: database is closed")

// Connector opens raw driver connections.
type Connector interface {
	Connect(ctx context.Context) (io.Closer, error)
}

type driverConn struct {
	ci        io.Closer
	createdAt time.Time
}

// Conn is a borrowed connection.
type Conn struct {
	db *DB
	dc *driverConn
}

// DB is a pool of connections.
type DB struct {
	connector   Connector
	maxOpen     int
	maxIdle     int
	maxLifetime time.Duration

	mu      sync.Mutex
	free    []*driverConn
	numOpen int
	closed  bool
	waitCh  chan struct{} // closed and replaced whenever a connection or slot frees up
}

func Open(c Connector, maxOpen, maxIdle int, maxLifetime time.Duration) *DB {
	return &DB{connector: c, maxOpen: maxOpen, maxIdle: maxIdle, maxLifetime: maxLifetime, waitCh: make(chan struct{})}
}

// wakeLocked wakes every waiter; db.mu must be held.
func (db *DB) wakeLocked() {
	close(db.waitCh)
	db.waitCh = make(chan struct{})
}

// Conn borrows a connection, dialling a new one if the pool allows it.
func (db *DB) Conn(ctx context.Context) (*Conn, error) {
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
			return &Conn{db: db, dc: dc}, nil
		}
		canOpen := db.maxOpen <= 0 || db.numOpen < db.maxOpen
		wait := db.waitCh
		db.mu.Unlock()

		if canOpen {
			ci, err := db.connector.Connect(ctx)
			if err != nil {
				return nil, err
			}
			db.mu.Lock()
			db.numOpen++
			db.mu.Unlock()
			return &Conn{db: db, dc: &driverConn{ci: ci, createdAt: time.Now()}}, nil
		}

		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wait:
		}
	}
}

// Release returns the connection to the pool (or closes it).
func (c *Conn) Release(broken bool) {
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

// Close closes idle connections and rejects new borrowers.
func (db *DB) Close() error {
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
