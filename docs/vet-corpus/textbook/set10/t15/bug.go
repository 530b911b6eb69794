// Package t15 is a small shared informer of a Kubernetes-style controller: it
// keeps a local cache of Deployment-like objects in sync with the API server
// and notifies event handlers on every change. Controllers read the cache
// through the Store interface, which the informer satisfies by embedding a
// threadSafeStore.
//
// [hard]
//
// Concurrency: two goroutines feed the same informer. The watch goroutine
// calls handle for every watch event; the resync goroutine periodically
// re-LISTs from the API server (to repair events lost across watch
// reconnects) and calls handle for every listed object. A LIST response can
// be seconds old by the time it is processed. Every Store method locks the
// embedded store's RWMutex, so each call looks safe on its own.
//
// BUG: handle drops stale objects by checking the cached ResourceVersion with
// inf.Get (a promoted method of the embedded store, one lock acquisition)
// and then writes the object with inf.Update (another promoted method, a
// second acquisition). A newer watch event can be stored in between, and the
// older listed object then overwrites it: the staleness check was made
// against a version that is no longer in the cache.
//
// HARM: the cache regresses to an older ResourceVersion and stays there until
// the object changes again. Handlers are notified with the stale object and
// the controller reconciles against an old spec - e.g. scales a deployment
// back from 5 replicas to 3 after the user scaled it up - and keeps doing so
// on every resync until someone touches the object.
package t15

import (
	"sync"
)

// Object is a cached API object.
type Object struct {
	Namespace       string
	Name            string
	ResourceVersion uint64
	Replicas        int32
	Labels          map[string]string
}

// Key returns namespace/name.
func (o *Object) Key() string { return o.Namespace + "/" + o.Name }

// Store is the read/write cache interface used by controllers and listers.
type Store interface {
	Get(key string) (*Object, bool)
	Update(key string, obj *Object)
	List() []*Object
}

type threadSafeStore struct {
	mu    sync.RWMutex
	items map[string]*Object
}

func (s *threadSafeStore) Get(key string) (*Object, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	o, ok := s.items[key]
	return o, ok
}

func (s *threadSafeStore) Update(key string, obj *Object) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items == nil {
		s.items = make(map[string]*Object)
	}
	s.items[key] = obj
}

func (s *threadSafeStore) List() []*Object {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Object, 0, len(s.items))
	for _, o := range s.items {
		out = append(out, o)
	}
	return out
}

// EventHandler is notified of cache changes; old is nil for additions.
type EventHandler func(old, cur *Object)

// Informer keeps a Store in sync with watch and list results.
type Informer struct {
	threadSafeStore

	hmu      sync.RWMutex
	handlers []EventHandler
}

var _ Store = (*Informer)(nil)

// AddEventHandler registers h for subsequent changes.
func (inf *Informer) AddEventHandler(h EventHandler) {
	inf.hmu.Lock()
	inf.handlers = append(inf.handlers, h)
	inf.hmu.Unlock()
}

// OnWatchEvent is called by the watch goroutine.
func (inf *Informer) OnWatchEvent(obj *Object) { inf.handle(obj) }

// OnRelist is called by the resync goroutine with a full LIST result.
func (inf *Informer) OnRelist(objs []*Object) {
	for _, o := range objs {
		inf.handle(o)
	}
}

func (inf *Informer) handle(obj *Object) {
	key := obj.Key()
	old, exists := inf.Get(key)
	if exists && old.ResourceVersion >= obj.ResourceVersion {
		return // stale or duplicate
	}
	inf.Update(key, obj)
	inf.notify(old, obj)
}

func (inf *Informer) notify(old, cur *Object) {
	inf.hmu.RLock()
	hs := inf.handlers
	inf.hmu.RUnlock()
	for _, h := range hs {
		h(old, cur)
	}
}
