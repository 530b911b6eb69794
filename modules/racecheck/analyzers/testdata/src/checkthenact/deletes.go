package checkthenact

// Deletes that go on from what the check found: two goroutines that both
// found the key both delete it and both go on as the one that did. From the
// fourth held-out set (4 December), missed as measured; with near-misses.

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// ssv utils/hashmap/hashmap.go at 0a0f3ed1aa7d^ (fixed in 0a0f3ed1aa7d,
// ssvlabs/ssv#1690): Delete answers whether it deleted from a Load before
// the Delete, so two racing deleters of one key both answer true.
type hashMap[K comparable, V any] struct{ m sync.Map }

func (h *hashMap[K, V]) Delete(key K) bool {
	_, found := h.m.Load(key)
	if found {
		h.m.Delete(key) // want `h.m.Delete\(key\) after h.m.Load\(key\) on line 23 deletes the entry the check found, but is not atomic with it: another goroutine can delete the same entry in between, and both go on as the one that deleted it; use LoadAndDelete and go on only when it reports loaded`
	}
	return found
}

// The same without the if: the Delete runs whatever the check found, and
// the answer still comes from the check.
func (h *hashMap[K, V]) Remove(key K) bool {
	_, found := h.m.Load(key)
	h.m.Delete(key) // want `deletes the entry the check found`
	return found
}

// A take split in two: both racing callers get the value.
func (h *hashMap[K, V]) GetAndDelete(key K) (V, bool) {
	v, found := h.m.Load(key)
	h.m.Delete(key) // want `takes the loaded entry`
	if !found {
		var zero V
		return zero, false
	}
	return v.(V), true
}

// The fix: LoadAndDelete answers for one goroutine only.
func (h *hashMap[K, V]) deleteFixed(key K) bool {
	_, loaded := h.m.LoadAndDelete(key)
	return loaded
}

// cloudfuse component/file_cache/file_cache.go at 28fcc002^ (Seagate/
// cloudfuse#326): after an upload, FlushFile replays a chmod the container
// missed and deletes its mark; two flushes of one file can both find the
// mark and both replay it.
type fileCache struct {
	missedChmod sync.Map
	tmpPath     string
}

func (fc *fileCache) chmod(name string, mode os.FileMode) error { return nil }

func (fc *fileCache) flush(name string) error {
	_, found := fc.missedChmod.Load(name)
	if found {
		fc.missedChmod.Delete(name) // want `deletes the entry the check found`
		info, err := os.Stat(filepath.Join(fc.tmpPath, name))
		if err == nil {
			if err = fc.chmod(name, info.Mode()); err != nil {
				log.Printf("chmod %s: %v", name, err)
			}
		}
	}
	return nil
}

// The fix: whoever LoadAndDelete answers loaded replays the chmod.
func (fc *fileCache) flushFixed(name string) error {
	if _, found := fc.missedChmod.LoadAndDelete(name); found {
		return fc.chmod(name, 0o644)
	}
	return nil
}

// A session count kept beside the map: two closers of one session both
// count it gone.
type sessions struct {
	byID   sync.Map
	active atomic.Int64
	done   chan struct{}
}

func (s *sessions) close(id string) {
	if _, ok := s.byID.Load(id); ok {
		s.byID.Delete(id) // want `deletes the entry the check found`
		s.active.Add(-1)
	}
}

// Both racing callers answer that they removed the subscription.
func (s *sessions) unsubscribe(id string) bool {
	if _, ok := s.byID.Load(id); ok {
		s.byID.Delete(id) // want `deletes the entry the check found`
		return true
	}
	return false
}

// Closing a channel twice panics.
func (s *sessions) finish(id string) {
	if _, ok := s.byID.Load(id); !ok {
		return
	}
	s.byID.Delete(id) // want `deletes the entry the check found`
	close(s.done)
}

// Near-miss: after the Delete the branch only logs and returns an error
// built from the key; both racing closers succeeding is what deleting twice
// means.
func (s *sessions) drop(id string) error {
	if _, ok := s.byID.Load(id); ok {
		s.byID.Delete(id)
		log.Printf("dropped %s", id)
		return fmt.Errorf("session %s dropped", id)
	}
	return nil
}

var errNoSession = errors.New("no session")

// Near-miss: a missing key is an error and a present one is deleted; a
// second racing caller deleting it again is not told, as with a plain
// Delete.
func (s *sessions) remove(id string) error {
	if _, ok := s.byID.Load(id); !ok {
		return errNoSession
	}
	s.byID.Delete(id)
	return nil
}

// Near-miss: the ok flag is used only before the Delete, which runs
// whatever the check found.
func (s *sessions) reset(id string) bool {
	_, ok := s.byID.Load(id)
	if !ok {
		log.Printf("resetting unknown %s", id)
	}
	s.byID.Delete(id)
	return true
}

// Near-miss: the statements after the Delete only compute a local from the
// key.
func (s *sessions) forget(id string) string {
	if _, ok := s.byID.Load(id); ok {
		s.byID.Delete(id)
		name := filepath.Base(id)
		return name
	}
	return ""
}

// Near-miss (this repository's shardcache tests, a false alarm of the
// first version of this rule): the ok flag read after the Delete is a new
// check's, assigned again in between.
func (s *sessions) recheck(id string) bool {
	_, ok := s.byID.Load(id)
	if !ok {
		return false
	}
	s.byID.Delete(id)
	_, ok = s.byID.Load(id)
	return ok
}

// Near-miss (this repository's shardcache stress test): in a loop, the value
// read after the Delete by position comes from the check of a later
// iteration, which runs again before the read.
func (s *sessions) churn(ids []string) {
	for i, id := range ids {
		if i%2 == 0 {
			s.byID.Delete(id)
			continue
		}
		if v, ok := s.byID.Load(id); ok {
			log.Print(v)
		}
	}
}

// Near-miss (kitex's ttstream idle cleaner): after the Delete the function
// only deletes the key from another map, as idempotent as the first.
type streamPool struct {
	pool, activity sync.Map
}

func (p *streamPool) clean(addr string) {
	v, _ := p.pool.Load(addr)
	if v == nil {
		return
	}
	p.pool.Delete(addr)
	p.activity.Delete(addr)
}

// Near-miss (kitex's ttstream idle cleaner): in the function Range runs,
// returning true says go on, not "I deleted it".
func (p *streamPool) sweep() {
	p.activity.Range(func(key, _ any) bool {
		addr := key.(string)
		v, _ := p.pool.Load(addr)
		if v == nil {
			return true
		}
		p.pool.Delete(addr)
		p.activity.Delete(addr)
		return true
	})
}
