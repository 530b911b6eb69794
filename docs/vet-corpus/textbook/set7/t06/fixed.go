// Fix: the lazy open runs under a sync.Once, so the file is opened and the
// writer installed exactly once; every Record waits for that single open and
// reuses its result (an open error is reported to every caller).

package t06

import (
	"encoding/json"
	"sync"
)

// AuditLogFixed is AuditLog with a race-free lazy open.
type AuditLogFixed struct {
	AuditLog
	openOnce sync.Once
	openErr  error
}

// NewAuditLogFixed returns a log that will write to path once used.
func NewAuditLogFixed(path string) *AuditLogFixed {
	return &AuditLogFixed{AuditLog: AuditLog{path: path}}
}

// RecordFixed appends ev to the audit log.
func (a *AuditLogFixed) RecordFixed(ev Event) error {
	a.openOnce.Do(func() { a.openErr = a.open() })
	if a.openErr != nil {
		return a.openErr
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
