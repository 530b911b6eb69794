package plainmaps

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
