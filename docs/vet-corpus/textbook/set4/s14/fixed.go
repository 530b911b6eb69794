package s14

import (
	"bufio"
	"io"
	"slices"
	"sync"
	"sync/atomic"
)

// clientFixed never has its send channel closed; leaving is signalled by
// closing done, which Broadcast also selects on. A stale snapshot can then
// only cause a dropped or unread message, never a panic.
type clientFixed struct {
	id   string
	send chan []byte
	done chan struct{}
}

type HubFixed struct {
	mu      sync.Mutex
	clients atomic.Pointer[[]*clientFixed]
}

func (h *HubFixed) snapshot() []*clientFixed {
	if p := h.clients.Load(); p != nil {
		return *p
	}
	return nil
}

func (h *HubFixed) Register(c *clientFixed) {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := append(slices.Clone(h.snapshot()), c)
	h.clients.Store(&next)
}

func (h *HubFixed) Unregister(c *clientFixed) {
	h.mu.Lock()
	next := slices.DeleteFunc(slices.Clone(h.snapshot()), func(x *clientFixed) bool { return x == c })
	h.clients.Store(&next)
	h.mu.Unlock()
	close(c.done)
}

func (h *HubFixed) Broadcast(msg []byte) {
	for _, c := range h.snapshot() {
		select {
		case <-c.done:
		case c.send <- msg:
		default:
		}
	}
}

func (h *HubFixed) Serve(id string, conn io.ReadWriteCloser) {
	c := &clientFixed{id: id, send: make(chan []byte, 64), done: make(chan struct{})}
	h.Register(c)
	go func() {
		for {
			select {
			case <-c.done:
				return
			case msg := <-c.send:
				if _, err := conn.Write(msg); err != nil {
					conn.Close()
					return
				}
			}
		}
	}()

	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		h.Broadcast(append([]byte(c.id+": "+sc.Text()), '\n'))
	}
	h.Unregister(c)
	conn.Close()
}
