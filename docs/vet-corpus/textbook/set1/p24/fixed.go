package p24

import (
	"sync"
	"time"
)

// SourceFixed is safe for concurrent use by outgoing HTTP requests.
type SourceFixed struct {
	mu      sync.RWMutex
	tok     Token
	refresh func(refreshToken string) (Token, error)
}

// AccessTokenFixed returns a valid access token. On expiry it takes the write
// lock, re-checks, and refreshes at most once per expiry.
func (s *SourceFixed) AccessTokenFixed() (string, error) {
	s.mu.RLock()
	tok := s.tok
	s.mu.RUnlock()
	if time.Now().Before(tok.Expiry) {
		return tok.Access, nil
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if time.Now().Before(s.tok.Expiry) {
		return s.tok.Access, nil
	}
	nt, err := s.refresh(s.tok.Refresh)
	if err != nil {
		return "", err
	}
	s.tok = nt
	return nt.Access, nil
}
