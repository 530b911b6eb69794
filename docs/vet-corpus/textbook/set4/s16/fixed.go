package s16

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
)

// tryRef increments refs only if it is still positive, in one CAS, so a
// handle that Release has already taken to zero (and is closing) can never
// be revived.
func tryRef(h *handle) bool {
	for {
		n := atomic.LoadInt32(&h.refs)
		if n <= 0 {
			return false
		}
		if atomic.CompareAndSwapInt32(&h.refs, n, n+1) {
			return true
		}
	}
}

func (fc *FileCache) AcquireFixed(name string) (*handle, error) {
	path := filepath.Join(fc.root, filepath.Clean("/"+name))

	fc.mu.Lock()
	defer fc.mu.Unlock()
	if h, ok := fc.open[path]; ok && tryRef(h) {
		return h, nil
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

type FileCacheFixed struct{ *FileCache }

func (fc FileCacheFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, err := fc.AcquireFixed(r.URL.Path)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer fc.Release(h)
	http.ServeContent(w, r, h.path, h.mod, io.NewSectionReader(h.f, 0, h.size))
}
