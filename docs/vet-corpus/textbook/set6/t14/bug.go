// Package t14 serialises edits to collaborative documents. Each document is a
// JSON file that is read, patched and rewritten; concurrent PATCH requests
// (one net/http goroutine each) for the same document must not interleave, so
// the editor takes a per-document lock from a KeyedMutex. To keep memory
// bounded, the KeyedMutex forgets a document's lock once nobody is using it.
//
// BUG (KeyedMutex.Unlock: check = idle := kl.users == 0, computed under k.mu
// which is then released -> act = delete(k.locks, key) under a second k.mu
// acquisition): between the two critical sections another request can look up
// the same *keyLock, bump users to 1 and lock it. The delete then drops a lock
// that is in use, and the next request for that document creates a fresh
// keyLock and locks it immediately.
//
// Harm: two PATCH requests hold "the" lock for one document at the same time;
// both read the old file and the later rewrite discards the other's edit, so
// users lose their changes with no error.
package t14

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
)

type keyLock struct {
	mu    sync.Mutex
	users int // goroutines holding or waiting for mu; guarded by KeyedMutex.mu
}

// KeyedMutex provides one mutex per key.
type KeyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

// NewKeyedMutex returns an empty KeyedMutex.
func NewKeyedMutex() *KeyedMutex { return &KeyedMutex{locks: make(map[string]*keyLock)} }

// Lock acquires the lock for key.
func (k *KeyedMutex) Lock(key string) {
	k.mu.Lock()
	kl, ok := k.locks[key]
	if !ok {
		kl = &keyLock{}
		k.locks[key] = kl
	}
	kl.users++
	k.mu.Unlock()
	kl.mu.Lock()
}

// Unlock releases the lock for key and forgets it when unused.
func (k *KeyedMutex) Unlock(key string) {
	k.mu.Lock()
	kl := k.locks[key]
	kl.users--
	idle := kl.users == 0
	k.mu.Unlock()

	kl.mu.Unlock()
	if idle {
		k.mu.Lock()
		delete(k.locks, key)
		k.mu.Unlock()
	}
}

// Editor applies JSON merge patches to documents stored under dir.
type Editor struct {
	dir   string
	locks *KeyedMutex
}

// NewEditor returns an editor for the documents in dir.
func NewEditor(dir string) *Editor { return &Editor{dir: dir, locks: NewKeyedMutex()} }

// Apply merges patch into document id (top-level keys only).
func (e *Editor) Apply(id string, patch map[string]json.RawMessage) error {
	e.locks.Lock(id)
	defer e.locks.Unlock(id)
	return e.applyUnlocked(id, patch)
}

// applyUnlocked does the read-patch-write; the caller holds the document lock.
func (e *Editor) applyUnlocked(id string, patch map[string]json.RawMessage) error {
	path := filepath.Join(e.dir, filepath.Base(id)+".json")
	doc := map[string]json.RawMessage{}
	data, err := os.ReadFile(path)
	switch {
	case err == nil:
		if err := json.Unmarshal(data, &doc); err != nil {
			return err
		}
	case !os.IsNotExist(err):
		return err
	}
	for k, v := range patch {
		if string(v) == "null" {
			delete(doc, k)
		} else {
			doc[k] = v
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, out, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
