// Package r15 lazily opens the reporting database the first time a report
// is requested, so that service start-up does not depend on it.
//
// BUG (check-then-act on an atomic.Value, hidden behind method values and a
// generic helper): Reports.db passes three method values — r.cached (the
// check: atomic Load), r.open (the expensive action) and r.pool.Store (the
// publish) — to lazyGet, which calls open() whenever cached() reports
// nothing. Report handlers run concurrently, and right after a deploy the
// first burst of requests all observe an empty atomic.Value and each opens
// its own *sql.DB. Only the last Store survives; every other pool is
// orphaned: its open connections and its connection-opener goroutine are
// never closed (Reports.Close only closes the published one), so each
// deploy leaks database connections until the server hits max_connections.
package r15

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sync/atomic"
)

// lazyGet returns the cached value, creating and publishing it if absent.
func lazyGet[T any](cached func() (T, bool), create func() (T, error), publish func(any)) (T, error) {
	if v, ok := cached(); ok {
		return v, nil
	}
	v, err := create()
	if err != nil {
		var zero T
		return zero, err
	}
	publish(v)
	return v, nil
}

type Reports struct {
	driver, dsn string
	pool        atomic.Value // *sql.DB
}

func NewReports(driver, dsn string) *Reports { return &Reports{driver: driver, dsn: dsn} }

func (r *Reports) cached() (*sql.DB, bool) {
	db, ok := r.pool.Load().(*sql.DB)
	return db, ok
}

func (r *Reports) open() (*sql.DB, error) {
	db, err := sql.Open(r.driver, r.dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(10)
	if err := db.PingContext(context.Background()); err != nil {
		_ = db.Close()
		return nil, err
	}
	return db, nil
}

func (r *Reports) db() (*sql.DB, error) {
	return lazyGet(r.cached, r.open, r.pool.Store)
}

// ServeHTTP handles GET /reports/daily.
func (r *Reports) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	db, err := r.db()
	if err != nil {
		http.Error(w, "reporting database unavailable", http.StatusServiceUnavailable)
		return
	}
	var n int64
	if err := db.QueryRowContext(req.Context(), "SELECT count(*) FROM orders WHERE day = CURRENT_DATE").Scan(&n); err != nil {
		http.Error(w, "query failed", http.StatusInternalServerError)
		return
	}
	fmt.Fprintf(w, "%d orders today\n", n)
}

// Close releases the database pool, if it was ever opened. It is called
// after the HTTP server has shut down.
func (r *Reports) Close() error {
	if db, ok := r.cached(); ok {
		return db.Close()
	}
	return nil
}
