package lockedmaps

import "sync"

// An in-flight marker put in a Go map after a miss found by a helper that
// waits on a marker it finds, and deleted by the function's deferred
// literal: the shape of C-Pro/geche#16 (updater.go:84 at e5b429f^, fixed in
// e5b429f). Two callers both miss, both put a channel there; the first's
// deferred literal closes and deletes the second's, and the first's
// channel is never closed, so whoever waits on it blocks for good.
type updater struct {
	mu       sync.RWMutex
	inFlight map[string]chan struct{}
	cache    map[string]string
}

func (u *updater) waitInFlight(key string) bool {
	u.mu.RLock()
	ch, ok := u.inFlight[key]
	u.mu.RUnlock()
	if !ok {
		return false
	}
	<-ch
	return true
}

func (u *updater) get(key string, load func(string) string) string {
	if u.waitInFlight(key) {
		return u.lookup(key)
	}
	u.mu.Lock()
	u.inFlight[key] = make(chan struct{}) // want `u.inFlight\[key\] = … after u.waitInFlight\(key\), which reads u.inFlight\[key\] under u.mu, on line 29 runs only when the check found no entry`
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		if ch, ok := u.inFlight[key]; ok {
			close(ch)
			delete(u.inFlight, key)
		}
		u.mu.Unlock()
	}()
	v := load(key)
	u.mu.Lock()
	u.cache[key] = v
	u.mu.Unlock()
	return v
}

func (u *updater) lookup(key string) string {
	u.mu.RLock()
	defer u.mu.RUnlock()
	return u.cache[key]
}

// The fix looks again under the lock it inserts with.
func (u *updater) getFixed(key string, load func(string) string) string {
	if u.waitInFlight(key) {
		return u.lookup(key)
	}
	u.mu.Lock()
	if _, ok := u.inFlight[key]; ok {
		u.mu.Unlock()
		return u.getFixed(key, load)
	}
	u.inFlight[key] = make(chan struct{})
	u.mu.Unlock()
	defer func() {
		u.mu.Lock()
		if ch, ok := u.inFlight[key]; ok {
			close(ch)
			delete(u.inFlight, key)
		}
		u.mu.Unlock()
	}()
	return load(key)
}

// An insert after a miss that nothing deletes on return is a fill, left
// to -plainmaps.
func (u *updater) remember(key, v string) {
	if u.lookup(key) != "" {
		return
	}
	u.mu.Lock()
	u.cache[key] = v
	u.mu.Unlock()
}
