package lockedmaps

import (
	"os"
	"sync"
)

// A registration that refuses with an error value it builds, not a call
// or a package variable: the shape of spf13/afero#379 (memmap.go:137 at
// 2a70f2b, fixed in a800a9d). Two racing Mkdirs of one name both pass the
// check under the read lock; both insert a new directory under the write
// lock, the second replaces the first, and both answer nil.
type dirEntry struct {
	name  string
	files map[string]*dirEntry
}

func newDir(name string) *dirEntry {
	return &dirEntry{name: name, files: map[string]*dirEntry{}}
}

type memFs struct {
	mu   sync.RWMutex
	data map[string]*dirEntry
}

func (m *memFs) Mkdir(name string) error {
	m.mu.RLock()
	_, ok := m.data[name]
	m.mu.RUnlock()
	if ok {
		return &os.PathError{Op: "mkdir", Path: name, Err: os.ErrExist}
	}
	m.mu.Lock()
	m.data[name] = newDir(name) // want `m.data\[name\] = … after m.data\[name\] on line 29 runs only when the check found no entry`
	m.mu.Unlock()
	return nil
}

// The fix: a second look under the write lock.
func (m *memFs) MkdirFixed(name string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.data[name]; ok {
		return &os.PathError{Op: "mkdir", Path: name, Err: os.ErrExist}
	}
	m.data[name] = newDir(name)
	return nil
}

// An error handed back from the entry is no refusal of the function's own.
type entryErr struct{ err error }

func (m *memFs) touch(name string, found map[string]entryErr) error {
	m.mu.RLock()
	_, ok := m.data[name]
	m.mu.RUnlock()
	if ok {
		return found[name].err
	}
	m.mu.Lock()
	m.data[name] = newDir(name)
	m.mu.Unlock()
	return nil
}
