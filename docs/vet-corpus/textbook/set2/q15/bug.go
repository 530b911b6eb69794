// Package q15 is an audit-log writer: HTTP handlers enqueue events, a
// background goroutine batches them to disk, and Shutdown drains the queue on
// SIGTERM.
//
// BUG: Enqueue checks the closed flag under the lock, releases it, and then
// sends on the queue channel. If Shutdown sets closed and closes the channel
// in between, the send panics ("send on closed channel") and crashes the
// process in the middle of graceful shutdown, losing the buffered events.
package q15

import (
	"context"
	"errors"
	"io"
	"sync"
)

var ErrClosed = errors.New("audit log closed")

type Event struct {
	Actor, Action string
}

// Log is used concurrently by request handlers.
type Log struct {
	mu     sync.Mutex
	closed bool
	queue  chan Event
	done   chan struct{}
	out    io.Writer
}

func NewLog(out io.Writer) *Log {
	l := &Log{queue: make(chan Event, 256), done: make(chan struct{}), out: out}
	go l.run()
	return l
}

func (l *Log) run() {
	defer close(l.done)
	for ev := range l.queue {
		io.WriteString(l.out, ev.Actor+" "+ev.Action+"\n")
	}
}

func (l *Log) isClosed() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.closed
}

func (l *Log) Enqueue(ctx context.Context, ev Event) error {
	if l.isClosed() {
		return ErrClosed
	}
	select {
	case l.queue <- ev:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Shutdown stops accepting events and waits for the queue to drain.
func (l *Log) Shutdown(ctx context.Context) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.closed = true
	close(l.queue)
	l.mu.Unlock()

	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
