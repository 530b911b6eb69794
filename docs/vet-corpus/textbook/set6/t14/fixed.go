// Fix: UnlockFixed decides that the lock is idle and deletes it from the map
// in the same k.mu critical section, so no Lock can pick up the keyLock in
// between; a later Lock either finds it still registered (users > 0, not
// deleted) or creates a new one after it is gone and unused.

package t14

import (
	"encoding/json"
	"sync"
)

// KeyedMutexFixed provides one mutex per key.
type KeyedMutexFixed struct {
	mu    sync.Mutex
	locks map[string]*keyLock
}

// NewKeyedMutexFixed returns an empty KeyedMutexFixed.
func NewKeyedMutexFixed() *KeyedMutexFixed {
	return &KeyedMutexFixed{locks: make(map[string]*keyLock)}
}

// Lock acquires the lock for key.
func (k *KeyedMutexFixed) Lock(key string) {
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

// UnlockFixed releases the lock for key and forgets it when unused.
func (k *KeyedMutexFixed) UnlockFixed(key string) {
	k.mu.Lock()
	kl := k.locks[key]
	kl.users--
	if kl.users == 0 {
		delete(k.locks, key)
	}
	k.mu.Unlock()
	kl.mu.Unlock()
}

// EditorFixed applies JSON merge patches to documents stored under dir.
type EditorFixed struct {
	files *Editor // reused only for its file handling; its locks are unused
	locks *KeyedMutexFixed
}

// NewEditorFixed returns an editor for the documents in dir.
func NewEditorFixed(dir string) *EditorFixed {
	return &EditorFixed{files: &Editor{dir: dir, locks: NewKeyedMutex()}, locks: NewKeyedMutexFixed()}
}

// Apply merges patch into document id (top-level keys only).
func (e *EditorFixed) Apply(id string, patch map[string]json.RawMessage) error {
	e.locks.Lock(id)
	defer e.locks.UnlockFixed(id)
	return e.files.applyUnlocked(id, patch)
}
