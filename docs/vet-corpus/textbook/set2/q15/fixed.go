package q15

import (
	"context"
	"errors"
	"io"
	"sync"
)

var (
	ErrClosedFixed = errors.New("audit log closed")
	ErrFullFixed   = errors.New("audit queue full")
)

// LogFixed is used concurrently by request handlers.
type LogFixed struct {
	mu     sync.RWMutex
	closed bool
	queue  chan Event
	done   chan struct{}
	out    io.Writer
}

func NewLogFixed(out io.Writer) *LogFixed {
	l := &LogFixed{queue: make(chan Event, 256), done: make(chan struct{}), out: out}
	go l.runFixed()
	return l
}

func (l *LogFixed) runFixed() {
	defer close(l.done)
	for ev := range l.queue {
		io.WriteString(l.out, ev.Actor+" "+ev.Action+"\n")
	}
}

// EnqueueFixed holds the read lock across the check and the (non-blocking)
// send, so Shutdown cannot close the channel in between.
func (l *LogFixed) EnqueueFixed(ev Event) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.closed {
		return ErrClosedFixed
	}
	select {
	case l.queue <- ev:
		return nil
	default:
		return ErrFullFixed
	}
}

func (l *LogFixed) ShutdownFixed(ctx context.Context) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosedFixed
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
