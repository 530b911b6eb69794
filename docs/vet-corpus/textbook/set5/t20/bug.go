// Package t20 implements account sign-up for a multi-tenant web app.
// Accounts are kept behind an AccountStore interface (a SQL table in
// production; the in-memory implementation below, guarded by a mutex, is
// used by the single-node edition and by tests). Lookups report absence with
// the ErrNotFound sentinel. The sign-up service is called from the
// POST /signup handler, which net/http runs concurrently.
//
// BUG (check-then-act through an interface with an error sentinel) [hard]:
// the check is store.Get(ctx, username) returning ErrNotFound ("username
// free?"), the act is store.Put(ctx, acct). Both methods are individually
// synchronized, but the store offers no insert-if-absent, and the service
// combines them non-atomically. Two sign-ups for the same username (a double
// submit, or two people racing for a popular name) both pass the check; the
// second Put overwrites the first account. The first user's password hash is
// replaced — they are locked out, and the second user now owns the account
// name and any data keyed by it, while both got "201 Created".
package t20

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"
)

var (
	// ErrNotFound is returned by AccountStore.Get for unknown usernames.
	ErrNotFound = errors.New("account: not found")
	// ErrUsernameTaken is returned by SignUp when the name is in use.
	ErrUsernameTaken = errors.New("account: username taken")
)

// Account is a registered user.
type Account struct {
	Username     string
	PasswordHash string
	Created      time.Time
}

// AccountStore persists accounts. Implementations are safe for concurrent use.
type AccountStore interface {
	Get(ctx context.Context, username string) (Account, error)
	Put(ctx context.Context, a Account) error
}

// MemStore is an in-memory AccountStore.
type MemStore struct {
	mu sync.Mutex
	m  map[string]Account
}

func (s *MemStore) Get(_ context.Context, username string) (Account, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.m[username]
	if !ok {
		return Account{}, ErrNotFound
	}
	return a, nil
}

func (s *MemStore) Put(_ context.Context, a Account) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]Account)
	}
	s.m[a.Username] = a
	return nil
}

// Service registers users.
type Service struct {
	Store AccountStore
}

func hash(pw string) string {
	sum := sha256.Sum256([]byte(pw)) // real code uses bcrypt
	return hex.EncodeToString(sum[:])
}

// SignUp creates the account or returns ErrUsernameTaken.
func (s *Service) SignUp(ctx context.Context, username, password string) error {
	_, err := s.Store.Get(ctx, username)
	switch {
	case err == nil:
		return ErrUsernameTaken
	case !errors.Is(err, ErrNotFound):
		return err
	}
	return s.Store.Put(ctx, Account{Username: username, PasswordHash: hash(password), Created: time.Now()})
}

// ServeSignUp handles POST /signup.
func (s *Service) ServeSignUp(w http.ResponseWriter, r *http.Request) {
	err := s.SignUp(r.Context(), r.FormValue("username"), r.FormValue("password"))
	switch {
	case errors.Is(err, ErrUsernameTaken):
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, "internal error", http.StatusInternalServerError)
	default:
		w.WriteHeader(http.StatusCreated)
	}
}
