// Package p22 shares one open file among several readers with reference
// counting.
//
// BUG: Release Loads refs and, if it is 1, closes the file; otherwise it
// decrements. With refs==2, two holders releasing together both Load 2 and
// both Add(-1): refs reaches 0 but nobody closes the file (leaked file
// descriptor; the segment can never be deleted on some platforms).
package p22

import (
	"io"
	"sync/atomic"
)

// Shared is a reference-counted closer. Acquire/Release are called from
// many goroutines.
type Shared struct {
	refs atomic.Int32
	c    io.Closer
}

// NewShared wraps c with one reference held by the caller.
func NewShared(c io.Closer) *Shared {
	s := &Shared{c: c}
	s.refs.Store(1)
	return s
}

// Acquire adds a reference.
func (s *Shared) Acquire() { s.refs.Add(1) }

// Release drops a reference, closing the underlying file on the last one.
func (s *Shared) Release() error {
	if s.refs.Load() == 1 {
		s.refs.Store(0)
		return s.c.Close()
	}
	s.refs.Add(-1)
	return nil
}
