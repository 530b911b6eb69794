package t07

// Fix: refreshes are serialized by a mutex and the validity check is repeated
// after acquiring it (double-checked locking). The lock-free fast path stays,
// but only one goroutine performs the refresh; the others block on the mutex
// and then find the freshly stored token valid, so each refresh token is
// presented to the IdP exactly once.

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// TokenSourceFixed wraps TokenSource with a refresh lock.
type TokenSourceFixed struct {
	*TokenSource
	refreshMu sync.Mutex
}

// NewTokenSourceFixed mirrors NewTokenSource.
func NewTokenSourceFixed(r Refresher, initial *Token) *TokenSourceFixed {
	return &TokenSourceFixed{TokenSource: NewTokenSource(r, initial)}
}

// TokenFixed returns a valid access token, refreshing it at most once per
// expiry no matter how many goroutines ask.
func (s *TokenSourceFixed) TokenFixed(ctx context.Context) (*Token, error) {
	if cur := s.tok.Load(); cur.valid(s.now(), s.skew) {
		return cur, nil
	}

	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()

	cur := s.tok.Load() // re-check: another goroutine may have refreshed
	if cur.valid(s.now(), s.skew) {
		return cur, nil
	}
	if cur == nil || cur.RefreshToken == "" {
		return nil, errors.New("oauth: no refresh token")
	}
	next, err := s.refresher.Refresh(ctx, cur.RefreshToken)
	if err != nil {
		return nil, err
	}
	if next.RefreshToken == "" {
		next.RefreshToken = cur.RefreshToken
	}
	s.tok.Store(next)
	return next, nil
}

// TransportFixed authorises requests with tokens from a TokenSourceFixed.
type TransportFixed struct {
	Source *TokenSourceFixed
	Base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *TransportFixed) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.Source.TokenFixed(req.Context())
	if err != nil {
		return nil, err
	}
	r2 := req.Clone(req.Context())
	r2.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	base := t.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(r2)
}
