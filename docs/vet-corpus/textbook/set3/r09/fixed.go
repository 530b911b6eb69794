package r09

import (
	"context"
	"sync"
)

// UserStoreFixed exposes a single atomic "create unless it exists"
// operation (INSERT ... ON CONFLICT DO NOTHING in the SQL implementation).
type UserStoreFixed interface {
	CreateIfAbsent(ctx context.Context, u User) error // ErrUsernameTaken if present
}

type memStoreFixed struct {
	mu    sync.Mutex
	users map[string]User
}

func NewMemStoreFixed() UserStoreFixed { return &memStoreFixed{users: make(map[string]User)} }

func (m *memStoreFixed) CreateIfAbsent(_ context.Context, u User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.users[u.Name]; ok {
		return ErrUsernameTaken
	}
	m.users[u.Name] = u
	return nil
}

type SignupFixed struct {
	Store UserStoreFixed
}

func (s *SignupFixed) Register(ctx context.Context, name, email, password string) error {
	return s.Store.CreateIfAbsent(ctx, User{Name: name, Email: email, PasswordHash: hashPassword(password)})
}
