// Package t04 is the room fan-out of a websocket chat server.
//
// Concurrency: each connected client has a reader goroutine (the HTTP
// handler) that calls Room.Broadcast for every message it receives, and a
// writer goroutine started by Room.Join that drains the client's outbox
// channel to the socket. When a socket read fails, the reader calls
// Room.Leave, which closes that client's outbox. Broadcast copies the member
// list under the room's RWMutex and then delivers outside the lock so that
// one slow room never blocks another. The closed flag is an atomic.Bool.
//
// BUG: deliver checks c.closed and then sends on c.out. Leave can mark the
// client closed and close c.out between the check and the send
// (check -> act).
//
// HARM: the send panics with "send on closed channel". The panic is on a
// handler goroutine with no recover, so the whole chat server process
// crashes and every connected user in every room is disconnected; it happens
// whenever someone drops off a busy room.
package t04

import (
	"sync"
	"sync/atomic"
	"time"
)

// Message is one chat line.
type Message struct {
	From string
	Room string
	Text string
	At   time.Time
}

// Conn is the websocket connection as seen by the room.
type Conn interface {
	WriteMessage(Message) error
	Close() error
}

// Client is one connected user.
type Client struct {
	ID     string
	conn   Conn
	out    chan Message
	closed atomic.Bool
	drops  atomic.Int64
}

// deliver queues m for the client, dropping it if the client is slow.
func (c *Client) deliver(m Message) bool {
	if c.closed.Load() {
		return false
	}
	select {
	case c.out <- m:
		return true
	default:
		c.drops.Add(1)
		return false
	}
}

func (c *Client) shutdown() {
	if c.closed.CompareAndSwap(false, true) {
		close(c.out)
	}
}

func (c *Client) writeLoop() {
	for m := range c.out {
		if err := c.conn.WriteMessage(m); err != nil {
			break
		}
	}
	_ = c.conn.Close()
}

// Room is a chat room.
type Room struct {
	Name string

	mu      sync.RWMutex
	members map[string]*Client
}

// NewRoom returns an empty room.
func NewRoom(name string) *Room {
	return &Room{Name: name, members: make(map[string]*Client)}
}

// Join adds a client and starts its writer.
func (r *Room) Join(id string, conn Conn) *Client {
	c := &Client{ID: id, conn: conn, out: make(chan Message, 64)}
	r.mu.Lock()
	if old, ok := r.members[id]; ok {
		old.shutdown()
	}
	r.members[id] = c
	r.mu.Unlock()
	go c.writeLoop()
	return c
}

// Leave removes a client and stops its writer.
func (r *Room) Leave(c *Client) {
	r.mu.Lock()
	if r.members[c.ID] == c {
		delete(r.members, c.ID)
	}
	r.mu.Unlock()
	c.shutdown()
}

func (r *Room) snapshot() []*Client {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*Client, 0, len(r.members))
	for _, c := range r.members {
		out = append(out, c)
	}
	return out
}

// Broadcast sends m to every member and reports how many accepted it.
func (r *Room) Broadcast(m Message) int {
	m.Room = r.Name
	if m.At.IsZero() {
		m.At = time.Now()
	}
	n := 0
	for _, c := range r.snapshot() {
		if c.deliver(m) {
			n++
		}
	}
	return n
}
