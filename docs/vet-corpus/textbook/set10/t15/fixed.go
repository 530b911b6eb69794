package t15

// Fix: the version comparison moves into the store and is evaluated under
// the same write lock that performs the write (updateIfNewer). An object is
// stored only if it is newer than whatever is in the cache at that moment,
// so an older LIST result can never overwrite a newer watch event no matter
// how the two goroutines interleave. Handlers are only notified for writes
// that were actually applied, with the old object that was really replaced.

// updateIfNewer stores obj unless the cache already holds the same or a newer
// ResourceVersion. It returns the replaced object and whether obj was stored.
func (s *threadSafeStore) updateIfNewer(key string, obj *Object) (*Object, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items == nil {
		s.items = make(map[string]*Object)
	}
	old, exists := s.items[key]
	if exists && old.ResourceVersion >= obj.ResourceVersion {
		return old, false
	}
	s.items[key] = obj
	return old, true
}

// InformerFixed is Informer with an atomic compare-and-update.
type InformerFixed struct {
	Informer
}

// OnWatchEvent is called by the watch goroutine.
func (inf *InformerFixed) OnWatchEvent(obj *Object) { inf.handleFixed(obj) }

// OnRelist is called by the resync goroutine with a full LIST result.
func (inf *InformerFixed) OnRelist(objs []*Object) {
	for _, o := range objs {
		inf.handleFixed(o)
	}
}

func (inf *InformerFixed) handleFixed(obj *Object) {
	old, applied := inf.updateIfNewer(obj.Key(), obj)
	if !applied {
		return
	}
	inf.notify(old, obj)
}
