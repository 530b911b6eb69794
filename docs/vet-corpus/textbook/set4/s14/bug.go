// Package s14 is a chat hub that fans messages out to connected websocket
// clients, using a copy-on-write client list in an atomic.Pointer. [hard]
//
// BUG (membership checked via a snapshot, then acted on): Broadcast loads
// the current snapshot, i.e. it establishes that c is registered, and then
// sends on c.send. Unregister, run by the client's read loop when the socket
// closes, publishes a new snapshot without c and closes c.send. Broadcast is
// called from every other client's read loop, so a disconnect that lands
// between the Load and the send makes Broadcast send on a closed channel.
// The select/default does not help: the runtime panics ("send on closed
// channel") and the whole chat server crashes whenever someone leaves during
// a busy conversation.
package s14

import (
	"bufio"
	"io"
	"slices"
	"sync"
	"sync/atomic"
)

type client struct {
	id   string
	send chan []byte
}

// Hub is safe for concurrent use.
type Hub struct {
	mu      sync.Mutex // serializes writers of clients
	clients atomic.Pointer[[]*client]
}

func (h *Hub) snapshot() []*client {
	if p := h.clients.Load(); p != nil {
		return *p
	}
	return nil
}

func (h *Hub) Register(c *client) {
	h.mu.Lock()
	defer h.mu.Unlock()
	next := append(slices.Clone(h.snapshot()), c)
	h.clients.Store(&next)
}

func (h *Hub) Unregister(c *client) {
	h.mu.Lock()
	next := slices.DeleteFunc(slices.Clone(h.snapshot()), func(x *client) bool { return x == c })
	h.clients.Store(&next)
	h.mu.Unlock()
	close(c.send) // stops the write loop
}

// Broadcast queues msg for every connected client, dropping it for clients
// whose queue is full.
func (h *Hub) Broadcast(msg []byte) {
	for _, c := range h.snapshot() {
		select {
		case c.send <- msg:
		default:
		}
	}
}

// Serve runs one client connection: a write loop draining c.send and a read
// loop broadcasting every line the client sends.
func (h *Hub) Serve(id string, conn io.ReadWriteCloser) {
	c := &client{id: id, send: make(chan []byte, 64)}
	h.Register(c)
	go func() {
		for msg := range c.send {
			if _, err := conn.Write(msg); err != nil {
				conn.Close()
				return
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
