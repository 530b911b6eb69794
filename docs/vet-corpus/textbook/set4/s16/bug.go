// Package s16 serves files from a cache of reference-counted open handles.
//
// BUG (check-then-act with sync/atomic functions on a refcount): Acquire
// finds a cached handle, checks atomic.LoadInt32(&h.refs) > 0 ("still open")
// and then atomic.AddInt32(&h.refs, 1). Release decrements without the cache
// lock and closes the file when the count reaches zero. HTTP handlers for
// the same file run concurrently: one handler's Release can take refs from 1
// to 0 and close the file between another handler's Load and Add. The second
// handler then resurrects the handle (refs back to 1) and reads from a closed
// *os.File, returning truncated or 500 responses; the cache keeps handing
// this dead handle out until its refcount drops to zero again.
package s16

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

type handle struct {
	path string
	f    *os.File
	size int64
	mod  time.Time
	refs int32 // sync/atomic; 0 means closed
}

// FileCache shares open files between concurrent requests.
type FileCache struct {
	root string

	mu   sync.Mutex
	open map[string]*handle
}

func NewFileCache(root string) *FileCache {
	return &FileCache{root: root, open: map[string]*handle{}}
}

func (fc *FileCache) Acquire(name string) (*handle, error) {
	path := filepath.Join(fc.root, filepath.Clean("/"+name))

	fc.mu.Lock()
	defer fc.mu.Unlock()
	if h, ok := fc.open[path]; ok {
		if atomic.LoadInt32(&h.refs) > 0 {
			atomic.AddInt32(&h.refs, 1)
			return h, nil
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	h := &handle{path: path, f: f, size: st.Size(), mod: st.ModTime(), refs: 1}
	fc.open[path] = h
	return h, nil
}

// Release drops one reference; the last one closes the file.
func (fc *FileCache) Release(h *handle) {
	if atomic.AddInt32(&h.refs, -1) != 0 {
		return
	}
	h.f.Close()
	fc.mu.Lock()
	if fc.open[h.path] == h {
		delete(fc.open, h.path)
	}
	fc.mu.Unlock()
}

func (fc *FileCache) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, err := fc.Acquire(r.URL.Path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer fc.Release(h)
	http.ServeContent(w, r, h.path, h.mod, io.NewSectionReader(h.f, 0, h.size))
}
