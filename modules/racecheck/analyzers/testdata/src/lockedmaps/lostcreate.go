package lockedmaps

import (
	"errors"
	"sync"
)

// A get-or-create whose creator refuses a name that exists: the shape of
// gcpug/handy-spanner#77 (server/server.go:349 at 7c299c1, fixed in
// 4309ecb). The creation is atomic (the creator looks again under the
// write lock), but the decision to create is not: two first callers both
// miss, both create, and the second gets AlreadyExists where a moment
// later its lookup would have found the database.
type database struct{ name string }

var errExists = errors.New("database already exists")

type server struct {
	mu sync.RWMutex
	db map[string]*database
}

func (s *server) createDatabase(name string) (*database, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.db[name]; ok {
		return nil, errExists
	}
	d := &database{name: name}
	s.db[name] = d
	return d, nil
}

func (s *server) getOrCreateDatabase(name string) (*database, error) {
	s.mu.RLock()
	db, ok := s.db[name]
	s.mu.RUnlock()
	if !ok {
		var err error
		db, err = s.createDatabase(name) // want `s.createDatabase\(name\) after s.db\[name\] on line 36 runs only when the check found no entry, and fails when it finds name: another goroutine can create name in between, and this call fails where the function answers the entry its check finds; on that error, look again and answer the entry there`
		if err != nil {
			return nil, err
		}
	}
	return db, nil
}

// The fix: on the creator's error, look again.
func (s *server) getOrCreateRetrying(name string) (*database, error) {
	s.mu.RLock()
	db, ok := s.db[name]
	s.mu.RUnlock()
	if !ok {
		var err error
		db, err = s.createDatabase(name)
		if errors.Is(err, errExists) {
			return s.getOrCreateRetrying(name)
		}
		if err != nil {
			return nil, err
		}
	}
	return db, nil
}

// A create that refuses where its own check finds the name too: failing
// is what it promises.
func (s *server) create(name string) (*database, error) {
	s.mu.RLock()
	_, ok := s.db[name]
	s.mu.RUnlock()
	if ok {
		return nil, errExists
	}
	return s.createDatabase(name)
}

// A creator that answers the entry it finds does not fail.
func (s *server) loadOrCreate(name string) *database {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.db[name]; ok {
		return d
	}
	d := &database{name: name}
	s.db[name] = d
	return d
}

func (s *server) get(name string) *database {
	s.mu.RLock()
	db, ok := s.db[name]
	s.mu.RUnlock()
	if !ok {
		db = s.loadOrCreate(name)
	}
	return db
}
