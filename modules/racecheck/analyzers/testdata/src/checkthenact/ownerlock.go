package checkthenact

import (
	"errors"
	"sync"
)

// nanomsg/mangos protocol/respondent/respondent.go at 661fc483: a
// context belongs to its socket (the field s), and both callers of its
// close hold that socket's lock: Close through the alias s := c.s, and
// the socket's Close looping over its contexts. The context's flag is
// checked and set under its socket's lock.
var errCtxClosed = errors.New("object closed")

type respSocket struct {
	sync.Mutex
	contexts map[*respContext]struct{}
	closeQ   chan struct{}
}

type respContext struct {
	s      *respSocket
	closed bool
	closeQ chan struct{}
}

func (c *respContext) close() {
	if !c.closed {
		delete(c.s.contexts, c)
		c.closed = true
		close(c.closeQ)
	}
}

func (c *respContext) Close() error {
	s := c.s
	s.Lock()
	defer s.Unlock()
	if c.closed {
		return errCtxClosed
	}
	c.close()
	return nil
}

func (s *respSocket) Close() error {
	s.Lock()
	defer s.Unlock()
	for c := range s.contexts {
		c.close()
	}
	return nil
}

// A lock of an object the context does not belong to guards nothing of
// it: two holders of different registries' locks both close it.
type ctxRegistry struct {
	mu   sync.Mutex
	ctxs []*regContext
}

type regContext struct {
	owner  *respSocket
	closed bool
	closeQ chan struct{}
	wg     sync.WaitGroup
}

func (c *regContext) close() {
	if !c.closed {
		c.closed = true // want `c.closed is set here after the condition on line 70 read it, before close on line 72`
		close(c.closeQ)
	}
}

func (r *ctxRegistry) closeAll() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.ctxs {
		c.close()
	}
}
