package checkthenact

import "sync"

// nspcc-dev/neo-go pkg/core/dao/dao.go at 4b67ae6e: DeleteBlock loads a
// block's record, deletes it, and deletes the records it names. Its doc
// comment says it is not atomic and is to be run on a private copy of the
// store, and every caller runs it on one: the caller synchronises, as for
// a function documented to run with the lock held.
type blockStore struct {
	records sync.Map
}

// deleteBlock removes the block from the store. It's not atomic, so make
// sure you're using a private copy of the store here.
func (s *blockStore) deleteBlock(key string) []string {
	v, ok := s.records.Load(key)
	if !ok {
		return nil
	}
	s.records.Delete(key)
	return v.([]string)
}

// dropBlock is not thread-safe: use it on a store of your own.
func (s *blockStore) dropBlock(key string) []string {
	v, ok := s.records.Load(key)
	if !ok {
		return nil
	}
	s.records.Delete(key)
	return v.([]string)
}

// takeBlock removes the block from the store and returns its records. The
// returned slice is not thread-safe: what is not safe to share is the
// slice, not the function, which can run on a shared store.
func (s *blockStore) takeBlock(key string) []string {
	v, ok := s.records.Load(key)
	if !ok {
		return nil
	}
	s.records.Delete(key) // want `s.records.Delete\(key\) after s.records.Load\(key\) on line 39 takes the loaded entry`
	return v.([]string)
}

// popBlock removes the block from the store. It is safe for concurrent
// use, which it is not.
func (s *blockStore) popBlock(key string) []string {
	v, ok := s.records.Load(key)
	if !ok {
		return nil
	}
	s.records.Delete(key) // want `s.records.Delete\(key\) after s.records.Load\(key\) on line 50 takes the loaded entry`
	return v.([]string)
}

// firstSeen reports whether key is seen for the first time and records it.
// It is NOT atomic: two goroutines can both see the key absent and both
// return true. The comment describes the race; it asks nothing of callers.
func (s *blockStore) firstSeen(key string) bool {
	if _, ok := s.records.Load(key); !ok {
		s.records.Store(key, []string{}) // want `s.records.Store\(key\) after s.records.Load\(key\) on line 62 runs only when the check found no entry`
		return true
	}
	return false
}
