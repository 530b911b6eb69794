// Package t20 [hard] implements sign-up for a community forum. Usernames are
// unique; a username maps to exactly one account (password hash, e-mail,
// profile). Persistence is behind the Users interface; the in-memory
// implementation used in the single-node deployment locks each method.
//
// Registration is layered: the HTTP handler calls Registrar.Register, which
// runs a list of validation rules (one of them, uniqueName, asks
// Users.Exists), then hashes the password, and finally calls persist, which
// calls Users.Put.
//
// Concurrency: POST /signup runs on per-request goroutines. Two people (or a
// bot racing a real user for a desirable name) can submit the same
// username at the same moment.
//
// BUG: the uniqueness rule checks Users.Exists (CHECK: name free) in the
// validation layer; the insert happens later via persist -> Users.Put (ACT:
// upsert), after the slow password hash. Both requests pass validation and
// both Put; the second Put overwrites the first account.
//
// HARM: the first user got "account created" and a session, but their
// account record (password hash and e-mail) has been replaced by the second
// registrant's: the second person now controls the username and receives
// password resets for it -- an account takeover, and the first user is
// locked out.
package t20

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"sync"
	"time"
)

var ErrNameTaken = errors.New("username taken")

// Account is a stored user.
type Account struct {
	Name     string
	Email    string
	PassHash string
	Created  time.Time
}

// Users is the persistence interface.
type Users interface {
	Exists(name string) bool
	Put(a Account)
}

type memUsers struct {
	mu sync.Mutex
	m  map[string]Account
}

func NewMemUsers() *memUsers { return &memUsers{m: make(map[string]Account)} }

func (u *memUsers) Exists(name string) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	_, ok := u.m[name]
	return ok
}

func (u *memUsers) Put(a Account) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.m[a.Name] = a
}

type rule func(name, email string) error

// Registrar creates accounts.
type Registrar struct {
	users Users
	rules []rule
	hash  func(pw string) string
}

func NewRegistrar(users Users) *Registrar {
	r := &Registrar{users: users, hash: slowHash}
	r.rules = []rule{validLength, r.uniqueName}
	return r
}

func validLength(name, _ string) error {
	if len(name) < 3 || len(name) > 32 {
		return errors.New("username must be 3-32 characters")
	}
	return nil
}

func (r *Registrar) uniqueName(name, _ string) error {
	if r.users.Exists(name) { // CHECK (via interface, in a rule)
		return ErrNameTaken
	}
	return nil
}

func slowHash(pw string) string { // stand-in for bcrypt: ~100ms
	sum := sha256.Sum256([]byte(pw))
	for i := 0; i < 200000; i++ {
		sum = sha256.Sum256(sum[:])
	}
	return hex.EncodeToString(sum[:])
}

func (r *Registrar) persist(a Account) { r.users.Put(a) } // ACT (upsert)

// Register validates and stores a new account.
func (r *Registrar) Register(name, email, password string) error {
	for _, check := range r.rules {
		if err := check(name, email); err != nil {
			return err
		}
	}
	a := Account{Name: name, Email: email, PassHash: r.hash(password), Created: time.Now()}
	r.persist(a)
	return nil
}

// ServeHTTP handles POST /signup.
func (r *Registrar) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	err := r.Register(req.FormValue("username"), req.FormValue("email"), req.FormValue("password"))
	switch {
	case errors.Is(err, ErrNameTaken):
		http.Error(w, err.Error(), http.StatusConflict)
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
	default:
		w.WriteHeader(http.StatusCreated)
	}
}
