// Package p24 is an OAuth token source whose refresh tokens are single-use
// (rotated on every refresh).
//
// BUG: Token checks expiry under RLock, releases it, refreshes and stores the
// result under Lock. Two requests that both see an expired token both refresh
// with the same refresh token; the server treats the reuse as token theft and
// revokes the whole grant, so the service is logged out until re-consent.
package p24

import (
	"sync"
	"time"
)

// Token is an access/refresh token pair.
type Token struct {
	Access  string
	Refresh string
	Expiry  time.Time
}

// Source is safe for concurrent use by outgoing HTTP requests.
type Source struct {
	mu      sync.RWMutex
	tok     Token
	refresh func(refreshToken string) (Token, error)
}

// NewSource returns a source starting from tok.
func NewSource(tok Token, refresh func(string) (Token, error)) *Source {
	return &Source{tok: tok, refresh: refresh}
}

// AccessToken returns a valid access token, refreshing it if expired.
func (s *Source) AccessToken() (string, error) {
	s.mu.RLock()
	tok := s.tok
	s.mu.RUnlock()
	if time.Now().Before(tok.Expiry) {
		return tok.Access, nil
	}

	nt, err := s.refresh(tok.Refresh)
	if err != nil {
		return "", err
	}
	s.mu.Lock()
	s.tok = nt
	s.mu.Unlock()
	return nt.Access, nil
}
