// Package r09 implements account sign-up on top of a pluggable UserStore.
//
// BUG (check-then-act through an interface): Signup.Register asks the store
// Exists(username) and, on false, calls Create(user). Each UserStore method
// is individually safe for concurrent use (memStore locks its map), but the
// pair is not atomic, and Register runs on concurrent HTTP handler
// goroutines. Two sign-ups for the same name (an attacker racing a victim's
// registration, or a double-submitted form with different passwords) both
// see Exists == false and both Create; Create overwrites, so the second
// caller silently replaces the first account's password hash and e-mail
// while the first user was told their account was created — an account
// takeover.
package r09

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"sync"
)

var ErrUsernameTaken = errors.New("signup: username already taken")

type User struct {
	Name         string
	Email        string
	PasswordHash string
}

// UserStore is implemented by the in-memory store below and by the SQL
// store in production. Implementations must be safe for concurrent use.
type UserStore interface {
	Exists(ctx context.Context, name string) (bool, error)
	Create(ctx context.Context, u User) error
}

type memStore struct {
	mu    sync.Mutex
	users map[string]User
}

func NewMemStore() UserStore { return &memStore{users: make(map[string]User)} }

func (m *memStore) Exists(_ context.Context, name string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.users[name]
	return ok, nil
}

func (m *memStore) Create(_ context.Context, u User) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.Name] = u
	return nil
}

func hashPassword(pw string) string {
	sum := sha256.Sum256([]byte(pw)) // stand-in for bcrypt
	return hex.EncodeToString(sum[:])
}

// Signup is shared by all /signup handler invocations.
type Signup struct {
	Store UserStore
}

func (s *Signup) Register(ctx context.Context, name, email, password string) error {
	taken, err := s.Store.Exists(ctx, name)
	if err != nil {
		return err
	}
	if taken {
		return ErrUsernameTaken
	}
	return s.Store.Create(ctx, User{Name: name, Email: email, PasswordHash: hashPassword(password)})
}
