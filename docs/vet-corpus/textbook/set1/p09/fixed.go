package p09

import "sync"

// SessionsFixed is safe for concurrent use by HTTP handlers.
type SessionsFixed struct {
	MaxSeats int

	mu     sync.Mutex
	byUser map[string]string
}

// LoginFixed opens a session for user if a seat is free; the seat check and
// the insert are one critical section.
func (s *SessionsFixed) LoginFixed(user, token string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byUser[user]; !ok && len(s.byUser) >= s.MaxSeats {
		return ErrNoSeats
	}
	s.byUser[user] = token
	return nil
}

// LogoutFixed ends user's session.
func (s *SessionsFixed) LogoutFixed(user string) {
	s.mu.Lock()
	delete(s.byUser, user)
	s.mu.Unlock()
}
