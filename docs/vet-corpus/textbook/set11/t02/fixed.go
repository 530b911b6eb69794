// Fixed version of the t02 RPC client: resolveFixed looks the call up, deletes
// it from the pending map, stores the result and closes Done inside one
// critical section, so exactly one of the reader goroutine and the timeout
// timer completes the call; the loser finds no pending entry and returns.
package t02

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ClientFixed multiplexes calls on a Transport.
type ClientFixed struct {
	t       Transport
	timeout time.Duration

	mu       sync.Mutex
	seq      uint64
	pending  map[uint64]*Call
	shutdown bool
}

func NewClientFixed(t Transport, timeout time.Duration) *ClientFixed {
	c := &ClientFixed{t: t, timeout: timeout, pending: make(map[uint64]*Call)}
	go c.readLoop()
	return c
}

func (c *ClientFixed) Go(method string, args []byte) *Call {
	call := &Call{Method: method, Args: args, Done: make(chan struct{})}
	c.mu.Lock()
	if c.shutdown {
		c.mu.Unlock()
		call.Error = ErrShutdown
		close(call.Done)
		return call
	}
	c.seq++
	seq := c.seq
	c.pending[seq] = call
	c.mu.Unlock()

	if c.timeout > 0 {
		time.AfterFunc(c.timeout, func() { c.resolveFixed(seq, nil, ErrTimeout) })
	}
	if err := c.t.Send(seq, method, args); err != nil {
		c.resolveFixed(seq, nil, err)
	}
	return call
}

func (c *ClientFixed) Call(ctx context.Context, method string, args []byte) ([]byte, error) {
	call := c.Go(method, args)
	select {
	case <-call.Done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return call.Reply, call.Error
}

// resolveFixed removes and completes the call atomically.
func (c *ClientFixed) resolveFixed(seq uint64, body []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	call, ok := c.pending[seq]
	if !ok {
		return
	}
	delete(c.pending, seq)
	call.Reply = body
	call.Error = err
	close(call.Done)
}

func (c *ClientFixed) readLoop() {
	for resp := range c.t.Responses() {
		var err error
		if resp.Error != "" {
			err = errors.New(resp.Error)
		}
		c.resolveFixed(resp.Seq, resp.Body, err)
	}
	c.mu.Lock()
	c.shutdown = true
	calls := c.pending
	c.pending = make(map[uint64]*Call)
	for _, call := range calls {
		call.Error = ErrShutdown
		close(call.Done)
	}
	c.mu.Unlock()
}
