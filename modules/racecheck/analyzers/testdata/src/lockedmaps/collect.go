package lockedmaps

import (
	"sync"
	"sync/atomic"
	"time"
)

// gofiber/fiber internal/memory/memory.go at e5ae76413901 (fixed in
// a0645af1ed36, "Fix and optimize memory storage", gofiber/fiber#2207): the
// collector gathers expired keys under the read lock and deletes them under
// the write lock without looking again; a key Set again in between, with a
// new expiry, is deleted too.
type memItem struct {
	v []byte
	e uint32
}

type memStorage struct {
	sync.RWMutex
	data map[string]memItem
}

var timestamp atomic.Uint32

func (s *memStorage) Set(key string, val []byte, exp uint32) {
	s.Lock()
	s.data[key] = memItem{v: val, e: exp}
	s.Unlock()
}

func (s *memStorage) gc(sleep time.Duration) {
	ticker := time.NewTicker(sleep)
	defer ticker.Stop()
	var expired []string
	for range ticker.C {
		expired = expired[:0]
		s.RLock()
		for key, v := range s.data {
			if v.e != 0 && v.e <= timestamp.Load() {
				expired = append(expired, key)
			}
		}
		s.RUnlock()
		s.Lock()
		for i := range expired {
			delete(s.data, expired[i]) // want `delete\(s.data, expired\[i\]\) of a key the range over s.data on line 39 collected, decided there by the value it saw, is not atomic with it: another goroutine can store a new value for the key in between, and this delete removes it; use a second look at the entry under the lock the delete is made with`
		}
		s.Unlock()
	}
}

// The fix: look at each entry again under the write lock.
func (s *memStorage) gcFixed(sleep time.Duration) {
	ticker := time.NewTicker(sleep)
	defer ticker.Stop()
	var expired []string
	for range ticker.C {
		ts := timestamp.Load()
		expired = expired[:0]
		s.RLock()
		for key, v := range s.data {
			if v.e != 0 && v.e <= ts {
				expired = append(expired, key)
			}
		}
		s.RUnlock()
		s.Lock()
		for i := range expired {
			v := s.data[expired[i]]
			if v.e != 0 && v.e <= ts {
				delete(s.data, expired[i])
			}
		}
		s.Unlock()
	}
}

// Near-miss: collected and deleted under one write lock.
func (s *memStorage) gcHeld() {
	s.Lock()
	defer s.Unlock()
	var expired []string
	for key, v := range s.data {
		if v.e != 0 && v.e <= timestamp.Load() {
			expired = append(expired, key)
		}
	}
	for _, key := range expired {
		delete(s.data, key)
	}
}

// fyne-io/fyne internal/cache/base.go at e764ff7f3 (fixed in 18fc12517,
// fyne-io/fyne#5146): the expired renderers are collected into a slice
// shared by the package, under the read lock, and deleted under the write
// lock without a second look; a renderer made again for the widget in
// between is deleted with the expired one. The slice holds the keys under
// a wider interface than the map's.
type canvasObject interface{ MinSize() int }

type widget interface {
	canvasObject
	CreateRenderer() int
}

type rendererInfo struct{ expires time.Time }

func (r *rendererInfo) isExpired(now time.Time) bool { return now.After(r.expires) }

var (
	expiredObjects = make([]canvasObject, 0, 50)
	renderersLock  sync.RWMutex
	renderers      = map[widget]*rendererInfo{}
)

func destroyExpiredRenderers(now time.Time) {
	expiredObjects = expiredObjects[:0]
	renderersLock.RLock()
	for wid, rinfo := range renderers {
		if rinfo.isExpired(now) {
			expiredObjects = append(expiredObjects, wid)
		}
	}
	renderersLock.RUnlock()
	if len(expiredObjects) > 0 {
		renderersLock.Lock()
		for i, exp := range expiredObjects {
			delete(renderers, exp.(widget)) // want `delete\(renderers, exp.\(widget\)\) of a key the range over renderers on line 120 collected, decided there by the value it saw`
			expiredObjects[i] = nil
		}
		renderersLock.Unlock()
	}
}

// The fix: collect and delete under one write lock.
func destroyExpiredRenderersFixed(now time.Time) {
	renderersLock.Lock()
	defer renderersLock.Unlock()
	for wid, rinfo := range renderers {
		if rinfo.isExpired(now) {
			delete(renderers, wid)
		}
	}
}
