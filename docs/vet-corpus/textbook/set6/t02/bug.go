// Package t02 is the account-signup service behind POST /signup. Each signup
// request runs on its own net/http handler goroutine and calls
// Directory.Register; usernames must be unique (case-insensitively).
//
// BUG [hard] (Register: check = d.usernameTaken(name), which takes and drops
// the read lock -> act = d.insertUser(u), which takes the write lock and
// assigns d.byName[u.Name] = u): the check and the insert live in two helpers
// with two separate critical sections. Two signups for the same name can both
// pass usernameTaken before either insertUser runs; both are inserted and the
// second silently overwrites the first.
//
// Harm: two people are told "account created" for one username. The first
// user's record (password hash, e-mail) is replaced, so they can no longer log
// in, and the second user inherits everything attached to the name.
package t02

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"
)

// ErrUsernameTaken is returned when the requested username already exists.
var ErrUsernameTaken = errors.New("username already taken")

// User is a registered account.
type User struct {
	ID        int64
	Name      string
	Email     string
	PassHash  [32]byte // real deployments use a slow KDF; elided here
	CreatedAt time.Time
}

// Directory is the in-memory user directory.
type Directory struct {
	mu     sync.RWMutex
	byName map[string]*User
	nextID int64
}

// NewDirectory returns an empty directory.
func NewDirectory() *Directory { return &Directory{byName: make(map[string]*User)} }

func normalizeName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// usernameTaken reports whether name is already registered.
func (d *Directory) usernameTaken(name string) bool {
	d.mu.RLock()
	defer d.mu.RUnlock()
	_, ok := d.byName[name]
	return ok
}

// insertUser assigns an ID and stores u.
func (d *Directory) insertUser(u *User) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.nextID++
	u.ID = d.nextID
	d.byName[u.Name] = u
}

// Register creates a new account.
func (d *Directory) Register(name, email, password string) (*User, error) {
	name = normalizeName(name)
	if name == "" || len(name) > 32 {
		return nil, errors.New("username must be 1-32 characters")
	}
	if d.usernameTaken(name) {
		return nil, ErrUsernameTaken
	}
	u := &User{
		Name:      name,
		Email:     email,
		PassHash:  sha256.Sum256([]byte(password)),
		CreatedAt: time.Now(),
	}
	d.insertUser(u)
	return u, nil
}

// SignupHandler serves POST /signup.
func (d *Directory) SignupHandler(w http.ResponseWriter, r *http.Request) {
	var req struct{ Username, Email, Password string }
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request body", http.StatusBadRequest)
		return
	}
	u, err := d.Register(req.Username, req.Email, req.Password)
	switch {
	case errors.Is(err, ErrUsernameTaken):
		http.Error(w, err.Error(), http.StatusConflict)
		return
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"id": u.ID, "username": u.Name})
}
