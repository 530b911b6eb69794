// Fix: the uniqueness check and the insert happen in one helper under one
// write-lock hold (insertIfAbsentFixed), so no other signup can slip in between.

package t02

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
	"time"
)

// DirectoryFixed is the in-memory user directory.
type DirectoryFixed struct {
	mu     sync.RWMutex
	byName map[string]*User
	nextID int64
}

// NewDirectoryFixed returns an empty directory.
func NewDirectoryFixed() *DirectoryFixed {
	return &DirectoryFixed{byName: make(map[string]*User)}
}

// insertIfAbsentFixed stores u unless its name is taken, atomically.
func (d *DirectoryFixed) insertIfAbsentFixed(u *User) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if _, ok := d.byName[u.Name]; ok {
		return ErrUsernameTaken
	}
	d.nextID++
	u.ID = d.nextID
	d.byName[u.Name] = u
	return nil
}

// Register creates a new account.
func (d *DirectoryFixed) Register(name, email, password string) (*User, error) {
	name = normalizeName(name)
	if name == "" || len(name) > 32 {
		return nil, errors.New("username must be 1-32 characters")
	}
	u := &User{
		Name:      name,
		Email:     email,
		PassHash:  sha256.Sum256([]byte(password)),
		CreatedAt: time.Now(),
	}
	if err := d.insertIfAbsentFixed(u); err != nil {
		return nil, err
	}
	return u, nil
}

// SignupHandler serves POST /signup.
func (d *DirectoryFixed) SignupHandler(w http.ResponseWriter, r *http.Request) {
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
