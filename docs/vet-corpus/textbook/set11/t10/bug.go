// Package t10 is a websocket chat hub in the style of the gorilla/websocket
// chat example and centrifuge: clients join rooms, each client has a bounded
// outbound queue drained by its own writePump goroutine, and slow consumers
// are disconnected instead of being allowed to stall the room.
//
// Concurrency: each room has a publisher goroutine (fed by the message bus)
// and HTTP handlers may also call Hub.Broadcast directly, so several
// goroutines send into the same client's send channel. Each client runs a
// writePump goroutine; Join/Leave run on connection goroutines. Room
// membership is guarded by h.mu; the queue itself is a channel.
//
// BUG: Broadcast decides whether a client is "slow" by checking
// len(c.send) == cap(c.send) and otherwise performs a blocking send
// c.send <- msg. Another broadcaster can fill the last free slot between the
// length check and the send.
// check: len(c.send) < cap(c.send) -> act: c.send <- msg (blocking).
//
// HARM: the broadcasting goroutine blocks on one stalled client. The room's
// publisher goroutine is wedged, so every member of the room stops receiving
// messages; if that client is then disconnected its writePump exits, nothing
// ever drains the channel, and the broadcaster is leaked forever.
package t10

import (
	"sync"
	"time"
)

// Conn is the subset of a websocket connection the hub needs.
type Conn interface {
	WriteMessage(data []byte) error
	SetWriteDeadline(t time.Time) error
	Close() error
}

// Client is one connected websocket.
type Client struct {
	ID   string
	conn Conn
	send chan []byte
	done chan struct{}
	once sync.Once
}

func NewClient(id string, conn Conn, queue int) *Client {
	return &Client{ID: id, conn: conn, send: make(chan []byte, queue), done: make(chan struct{})}
}

func (c *Client) shutdown() {
	c.once.Do(func() {
		close(c.done)
		c.conn.Close()
	})
}

func (c *Client) writePump() {
	defer c.shutdown()
	for {
		select {
		case <-c.done:
			return
		case msg := <-c.send:
			c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := c.conn.WriteMessage(msg); err != nil {
				return
			}
		}
	}
}

// Hub tracks room membership.
type Hub struct {
	mu    sync.RWMutex
	rooms map[string]map[*Client]struct{}
}

func NewHub() *Hub { return &Hub{rooms: make(map[string]map[*Client]struct{})} }

// Join adds c to room and starts its writer if this is its first room.
func (h *Hub) Join(room string, c *Client, start bool) {
	h.mu.Lock()
	members := h.rooms[room]
	if members == nil {
		members = make(map[*Client]struct{})
		h.rooms[room] = members
	}
	members[c] = struct{}{}
	h.mu.Unlock()
	if start {
		go c.writePump()
	}
}

// Leave removes c from every room and closes it.
func (h *Hub) Leave(c *Client) {
	h.mu.Lock()
	for name, members := range h.rooms {
		delete(members, c)
		if len(members) == 0 {
			delete(h.rooms, name)
		}
	}
	h.mu.Unlock()
	c.shutdown()
}

func (h *Hub) members(room string) []*Client {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*Client, 0, len(h.rooms[room]))
	for c := range h.rooms[room] {
		out = append(out, c)
	}
	return out
}

// Broadcast queues msg for every member of room, dropping slow consumers.
func (h *Hub) Broadcast(room string, msg []byte) (sent, dropped int) {
	for _, c := range h.members(room) {
		if len(c.send) == cap(c.send) {
			h.Leave(c)
			dropped++
			continue
		}
		c.send <- msg
		sent++
	}
	return sent, dropped
}

// RunRoom is the per-room publisher goroutine.
func (h *Hub) RunRoom(room string, in <-chan []byte) {
	for msg := range in {
		h.Broadcast(room, msg)
	}
}
