// Package t02 is the client half of a small RPC framework in the style of
// net/rpc: calls are multiplexed over one transport and matched to responses
// by sequence number.
//
// Concurrency: any number of caller goroutines call Client.Go / Client.Call.
// A single reader goroutine (readLoop) receives responses from the transport
// and resolves the matching call. Every call with a timeout arms a
// time.AfterFunc whose callback runs on a timer goroutine and resolves the
// call with ErrTimeout.
//
// BUG: resolve first asks lookup(seq) (takes c.mu, reads the pending map,
// releases c.mu) and, if the call is still pending, calls finish, which
// re-acquires c.mu, deletes the entry and closes call.Done. When the response
// arrives right at the deadline, readLoop and the timer both pass the lookup
// before either reaches finish.
// check: c.lookup(seq) reports pending -> act: c.finish(...) closes call.Done.
//
// HARM: the second finish closes an already-closed channel and panics
// ("close of closed channel"); because it happens on the reader or timer
// goroutine, the whole client process crashes.
package t02

import (
	"context"
	"errors"
	"sync"
	"time"
)

var (
	ErrTimeout  = errors.New("rpc: call timed out")
	ErrShutdown = errors.New("rpc: client is shut down")
)

// Call is an outstanding RPC.
type Call struct {
	Method string
	Args   []byte
	Reply  []byte
	Error  error
	Done   chan struct{}
}

// Response is what the transport hands back.
type Response struct {
	Seq   uint64
	Body  []byte
	Error string
}

// Transport sends requests; responses arrive on Responses().
type Transport interface {
	Send(seq uint64, method string, args []byte) error
	Responses() <-chan Response
}

// Client multiplexes calls on a Transport.
type Client struct {
	t       Transport
	timeout time.Duration

	mu       sync.Mutex
	seq      uint64
	pending  map[uint64]*Call
	shutdown bool
}

func NewClient(t Transport, timeout time.Duration) *Client {
	c := &Client{t: t, timeout: timeout, pending: make(map[uint64]*Call)}
	go c.readLoop()
	return c
}

// Go starts an asynchronous call.
func (c *Client) Go(method string, args []byte) *Call {
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
		time.AfterFunc(c.timeout, func() { c.resolve(seq, nil, ErrTimeout) })
	}
	if err := c.t.Send(seq, method, args); err != nil {
		c.resolve(seq, nil, err)
	}
	return call
}

// Call performs a synchronous call.
func (c *Client) Call(ctx context.Context, method string, args []byte) ([]byte, error) {
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

func (c *Client) lookup(seq uint64) (*Call, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	call, ok := c.pending[seq]
	return call, ok
}

func (c *Client) finish(seq uint64, call *Call, body []byte, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.pending, seq)
	call.Reply = body
	call.Error = err
	close(call.Done)
}

func (c *Client) resolve(seq uint64, body []byte, err error) {
	call, ok := c.lookup(seq)
	if !ok {
		return
	}
	c.finish(seq, call, body, err)
}

func (c *Client) readLoop() {
	for resp := range c.t.Responses() {
		var err error
		if resp.Error != "" {
			err = errors.New(resp.Error)
		}
		c.resolve(resp.Seq, resp.Body, err)
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
