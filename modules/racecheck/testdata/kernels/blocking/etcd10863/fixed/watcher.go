// Package etcd10863 reconstructs a missing Unlock in etcd's clientv3
// watcher: RequestProgress locked the watcher's mutex and returned an error
// when no watch stream existed yet, without unlocking, so the next caller of
// any watcher method blocked forever.
//
//   - Project: etcd-io/etcd (clientv3/watch.go)
//   - Bug report: https://github.com/etcd-io/etcd/issues/10863
//   - Fix: https://github.com/etcd-io/etcd/pull/10866 (unlock before returning the error)
//   - Shape: a mutex left locked on an error return path; the next Lock blocks
//     forever.
//   - Fixed twin: the error path unlocks the mutex before returning (the
//     upstream fix).
package etcd10863

import (
	"errors"
	"sync"
)

var errNoStream = errors.New("no stream found for context")

type watchStream struct{ requests int }

// Watcher multiplexes watches over streams keyed by context.
type Watcher struct {
	mu      sync.Mutex
	streams map[string]*watchStream
}

// Watch opens a watch on the stream for ctxKey.
func (w *Watcher) Watch(ctxKey string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.streams == nil {
		w.streams = make(map[string]*watchStream)
	}
	if w.streams[ctxKey] == nil {
		w.streams[ctxKey] = &watchStream{}
	}
}

// RequestProgress asks the stream for ctxKey to report its progress.
func (w *Watcher) RequestProgress(ctxKey string) error {
	w.mu.Lock()
	if w.streams == nil {
		w.mu.Unlock()
		return errNoStream
	}
	ws := w.streams[ctxKey]
	if ws == nil {
		w.mu.Unlock()
		return errNoStream
	}
	ws.requests++
	w.mu.Unlock()
	return nil
}

// Close drops every stream.
func (w *Watcher) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.streams = nil
}
