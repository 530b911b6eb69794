// Package p09 manages user sessions under a licensed seat limit.
//
// BUG: Login checks Count() < MaxSeats and then calls add. With one seat left,
// two concurrent logins both see Count()==MaxSeats-1 and both add: the
// deployment exceeds the licensed seat limit.
package p09

import (
	"errors"
	"sync"
)

// ErrNoSeats is returned when all licensed seats are in use.
var ErrNoSeats = errors.New("no free seats")

// Sessions is safe for concurrent use by HTTP handlers.
type Sessions struct {
	MaxSeats int

	mu     sync.Mutex
	byUser map[string]string // user -> session token
}

// NewSessions returns a manager with max seats.
func NewSessions(max int) *Sessions {
	return &Sessions{MaxSeats: max, byUser: make(map[string]string)}
}

// Count returns the number of active sessions.
func (s *Sessions) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.byUser)
}

func (s *Sessions) add(user, token string) {
	s.mu.Lock()
	s.byUser[user] = token
	s.mu.Unlock()
}

// Logout ends user's session.
func (s *Sessions) Logout(user string) {
	s.mu.Lock()
	delete(s.byUser, user)
	s.mu.Unlock()
}

// Login opens a session for user if a seat is free.
func (s *Sessions) Login(user, token string) error {
	if s.Count() >= s.MaxSeats {
		return ErrNoSeats
	}
	s.add(user, token)
	return nil
}
