package p22

import (
	"io"
	"sync/atomic"
)

// SharedFixed is a reference-counted closer.
type SharedFixed struct {
	refs atomic.Int32
	c    io.Closer
}

// AcquireFixed adds a reference.
func (s *SharedFixed) AcquireFixed() { s.refs.Add(1) }

// ReleaseFixed drops a reference; the goroutine whose decrement reaches zero
// closes the file.
func (s *SharedFixed) ReleaseFixed() error {
	if s.refs.Add(-1) == 0 {
		return s.c.Close()
	}
	return nil
}
