// Package t12 is the open-segment table of a log-structured key-value store:
// read requests Acquire a reference to a segment file, read from it, and
// Release it; when the last reference goes away the file is closed and
// removed from the table (so compaction can delete it).
//
// [hard]
//
// Concurrency: Acquire/Release are called by every read request goroutine;
// many readers share a hot segment and reference counts go up and down
// constantly. The reference count lives in an embedded refCounter whose
// zero-callback (the function-typed field onZero) closes the file and
// removes the handle; decRef runs outside the table lock.
//
// BUG: Acquire finds the handle under the table lock, checks h.alive()
// (refs > 0, a promoted method of the embedded refCounter) and then calls
// h.incRef(). The table lock does not protect refs: between alive() and
// incRef(), the last reader's Release can drop refs to 0 and run onZero,
// which closes the file (and then blocks on the table lock to remove it).
// incRef then resurrects the count from 0 to 1 on a closed handle.
//
// HARM: Acquire returns a handle whose *os.File is already closed: reads fail
// with "file already closed" and the request gets a 500 for data that
// exists. When that reader releases, refs hits 0 again and onZero runs a
// second time, closing the file twice.
package t12

import (
	"io"
	"os"
	"sync"
	"sync/atomic"
)

// refCounter is a reusable reference count with a zero-callback.
type refCounter struct {
	refs   atomic.Int32
	onZero func()
}

func (r *refCounter) alive() bool { return r.refs.Load() > 0 }
func (r *refCounter) incRef()     { r.refs.Add(1) }
func (r *refCounter) decRef() {
	if r.refs.Add(-1) == 0 {
		r.onZero()
	}
}

// handle is an open segment file shared by readers.
type handle struct {
	refCounter
	path string
	f    *os.File
}

// ReadAt reads from the segment.
func (h *handle) ReadAt(p []byte, off int64) (int, error) { return h.f.ReadAt(p, off) }

// Table maps segment path -> open handle.
type Table struct {
	mu   sync.Mutex
	open map[string]*handle
}

// NewTable returns an empty table.
func NewTable() *Table { return &Table{open: make(map[string]*handle)} }

func (t *Table) remove(h *handle) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.open[h.path] == h {
		delete(t.open, h.path)
	}
}

// Acquire returns a referenced handle for path, opening the file if needed.
// Opening happens under the table lock so that each path is opened once.
func (t *Table) Acquire(path string) (*handle, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if h, ok := t.open[path]; ok && h.alive() { // check (refs > 0)
		// the last Release may drop refs to 0 and close h.f right here
		h.incRef() // act: resurrects a closed handle
		return h, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	h := &handle{path: path, f: f}
	h.refs.Store(1)
	h.onZero = func() {
		h.f.Close()
		t.remove(h)
	}
	t.open[path] = h
	return h, nil
}

// Release drops a reference obtained from Acquire.
func (t *Table) Release(h *handle) { h.decRef() }

// ReadRecord is what a read request does.
func (t *Table) ReadRecord(path string, off int64, n int) ([]byte, error) {
	h, err := t.Acquire(path)
	if err != nil {
		return nil, err
	}
	defer t.Release(h)
	buf := make([]byte, n)
	if _, err := h.ReadAt(buf, off); err != nil && err != io.EOF {
		return nil, err
	}
	return buf, nil
}
