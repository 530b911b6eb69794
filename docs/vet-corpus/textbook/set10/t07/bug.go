// Package t07 provides a caching OAuth2 token source and an http.RoundTripper
// that attaches the access token to outgoing requests of a service calling a
// partner API.
//
// Concurrency: TokenSource.Token is called by Transport.RoundTrip on every
// outgoing request, i.e. from many goroutines at once. The current token is
// kept in an atomic.Pointer so the fast path is lock-free.
//
// BUG: Token loads the current token, checks that it is missing or about to
// expire, and then refreshes and stores a new one - with no exclusion
// between the check and the refresh. When the access token expires, every
// goroutine that is in RoundTrip at that moment sees "expired" and each of
// them calls Refresh with the same refresh token.
//
// HARM: the identity provider uses refresh-token rotation with reuse
// detection (as recommended by the OAuth 2.0 Security BCP): the first refresh
// succeeds and invalidates the old refresh token, the second presents an
// already-used refresh token and the IdP revokes the entire grant. All later
// refreshes fail with invalid_grant and the service loses access to the
// partner API until an operator re-authorises it by hand.
package t07

import (
	"context"
	"errors"
	"net/http"
	"sync/atomic"
	"time"
)

// Token is an OAuth2 access/refresh token pair.
type Token struct {
	AccessToken  string
	RefreshToken string
	Expiry       time.Time
}

func (t *Token) valid(now time.Time, skew time.Duration) bool {
	return t != nil && t.AccessToken != "" && now.Add(skew).Before(t.Expiry)
}

// Refresher exchanges a refresh token for a new token pair at the IdP.
type Refresher interface {
	Refresh(ctx context.Context, refreshToken string) (*Token, error)
}

// TokenSource caches the current token and refreshes it when it expires.
type TokenSource struct {
	refresher Refresher
	skew      time.Duration
	now       func() time.Time

	tok atomic.Pointer[Token]
}

// NewTokenSource starts from an initial token (typically loaded from disk,
// possibly with an expired access token but a valid refresh token).
func NewTokenSource(r Refresher, initial *Token) *TokenSource {
	s := &TokenSource{refresher: r, skew: 30 * time.Second, now: time.Now}
	s.tok.Store(initial)
	return s
}

// Token returns a valid access token, refreshing it if necessary.
func (s *TokenSource) Token(ctx context.Context) (*Token, error) {
	cur := s.tok.Load()
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
	if next.RefreshToken == "" { // IdP did not rotate
		next.RefreshToken = cur.RefreshToken
	}
	s.tok.Store(next)
	return next, nil
}

// Transport authorises requests with tokens from Source.
type Transport struct {
	Source *TokenSource
	Base   http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.Source.Token(req.Context())
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
