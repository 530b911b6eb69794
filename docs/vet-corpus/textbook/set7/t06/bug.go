// Package t06 is the audit trail of the admin console: every privileged
// action (role change, export, impersonation) is appended as one JSON line to
// an audit file that is opened lazily on the first record, so that read-only
// replicas never create it.
//
// Concurrency: Record is called from HTTP handler goroutines; Flush is called
// by a ticker goroutine and by shutdown.
//
// BUG (lazy initialisation): Record checks a.opened() (w != nil, under the
// mutex, which is then released) and, when false, acts with a.open(), which
// opens the file and installs a new bufio.Writer under the mutex. Two
// handlers racing on the first records both open the file; the second open
// replaces a.f and a.w, and whatever a third handler already wrote into the
// first writer's buffer is never flushed, and its file is never closed.
//
// Harm: audit records of the first privileged actions after each start are
// silently lost (a compliance failure) and a file descriptor leaks.
package t06

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"
)

// Event is one audited action.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Target string    `json:"target"`
}

// AuditLog appends events to path.
type AuditLog struct {
	path string

	mu sync.Mutex // guards f and w
	f  *os.File
	w  *bufio.Writer
}

// NewAuditLog returns a log that will write to path once used.
func NewAuditLog(path string) *AuditLog { return &AuditLog{path: path} }

func (a *AuditLog) opened() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.w != nil
}

func (a *AuditLog) open() error {
	f, err := os.OpenFile(a.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("open audit log: %w", err)
	}
	a.mu.Lock()
	a.f = f
	a.w = bufio.NewWriterSize(f, 64<<10)
	a.mu.Unlock()
	return nil
}

// Record appends ev to the audit log.
func (a *AuditLog) Record(ev Event) error {
	if !a.opened() {
		if err := a.open(); err != nil {
			return err
		}
	}
	line, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err = a.w.Write(append(line, '\n'))
	return err
}

// Flush writes buffered records and syncs the file.
func (a *AuditLog) Flush() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.w == nil {
		return nil
	}
	if err := a.w.Flush(); err != nil {
		return err
	}
	return a.f.Sync()
}

// Close flushes and closes the file.
func (a *AuditLog) Close() error {
	if err := a.Flush(); err != nil {
		return err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.f == nil {
		return nil
	}
	return a.f.Close()
}
