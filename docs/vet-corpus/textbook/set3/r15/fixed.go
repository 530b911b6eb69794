package r15

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

// ReportsFixed keeps the lock-free fast path but serialises creation under
// a mutex and re-checks before opening, so at most one pool is ever opened
// (a failed open is retried by a later request, unlike with sync.Once).
type ReportsFixed struct {
	driver, dsn string
	pool        atomic.Pointer[sql.DB]
	initMu      sync.Mutex
}

func NewReportsFixed(driver, dsn string) *ReportsFixed {
	return &ReportsFixed{driver: driver, dsn: dsn}
}

func (r *ReportsFixed) db() (*sql.DB, error) {
	if db := r.pool.Load(); db != nil {
		return db, nil
	}
	r.initMu.Lock()
	defer r.initMu.Unlock()
	if db := r.pool.Load(); db != nil {
		return db, nil
	}
	db, err := r.open()
	if err != nil {
		return nil, err
	}
	r.pool.Store(db)
	return db, nil
}

func (r *ReportsFixed) open() (*sql.DB, error) {
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

func (r *ReportsFixed) ServeHTTP(w http.ResponseWriter, req *http.Request) {
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

func (r *ReportsFixed) Close() error {
	r.initMu.Lock()
	defer r.initMu.Unlock()
	if db := r.pool.Load(); db != nil {
		return db.Close()
	}
	return nil
}
