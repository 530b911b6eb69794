package t20

// FIX: uniqueness is enforced by the store itself with an insert-if-absent
// operation (Create) that checks and inserts under one lock, the in-memory
// equivalent of a UNIQUE constraint / INSERT ... ON CONFLICT DO NOTHING.
// The Exists rule may stay as a cheap early rejection, but correctness no
// longer depends on it: the loser of a race gets ErrNameTaken from Create.

import (
	"errors"
	"time"
)

// UsersFixed is the persistence interface with an atomic create.
type UsersFixed interface {
	Exists(name string) bool
	Create(a Account) error // ErrNameTaken if name exists
}

// Create inserts a only if its name is free.
func (u *memUsers) Create(a Account) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if _, ok := u.m[a.Name]; ok {
		return ErrNameTaken
	}
	u.m[a.Name] = a
	return nil
}

// RegistrarFixed creates accounts with atomic uniqueness.
type RegistrarFixed struct {
	users UsersFixed
	hash  func(pw string) string
}

func NewRegistrarFixed(users UsersFixed) *RegistrarFixed {
	return &RegistrarFixed{users: users, hash: slowHash}
}

// RegisterFixed validates and atomically stores a new account.
func (r *RegistrarFixed) RegisterFixed(name, email, password string) error {
	if err := validLength(name, email); err != nil {
		return err
	}
	if r.users.Exists(name) { // optimisation only
		return ErrNameTaken
	}
	a := Account{Name: name, Email: email, PassHash: r.hash(password), Created: time.Now()}
	if err := r.users.Create(a); err != nil {
		if errors.Is(err, ErrNameTaken) {
			return ErrNameTaken
		}
		return err
	}
	return nil
}
