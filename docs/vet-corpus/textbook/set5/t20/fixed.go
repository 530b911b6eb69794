package t20

import (
	"context"
	"sync"
	"time"
)

// AccountStoreFixed adds an atomic insert-if-absent (a unique constraint /
// INSERT ... ON CONFLICT DO NOTHING in SQL).
type AccountStoreFixed interface {
	Get(ctx context.Context, username string) (Account, error)
	// Create stores a unless the username exists, in which case it returns
	// ErrUsernameTaken.
	Create(ctx context.Context, a Account) error
}

// MemStoreFixed is an in-memory AccountStoreFixed.
type MemStoreFixed struct {
	mu sync.Mutex
	m  map[string]Account
}

func (s *MemStoreFixed) Get(_ context.Context, username string) (Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.m[username]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

// Create checks and inserts under one lock.
func (s *MemStoreFixed) Create(_ context.Context, a Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[a.Username]; ok {
		return ErrUsernameTaken
	}
	if s.m == nil {
		s.m = make(map[string]Account)
	}
	s.m[a.Username] = a
	return nil
}

// ServiceFixed registers users.
type ServiceFixed struct {
	Store AccountStoreFixed
}

// SignUp creates the account or returns ErrUsernameTaken; the store decides
// atomically.
func (s *ServiceFixed) SignUp(ctx context.Context, username, password string) error {
	return s.Store.Create(ctx, Account{Username: username, PasswordHash: hash(password), Created: time.Now()})
}
