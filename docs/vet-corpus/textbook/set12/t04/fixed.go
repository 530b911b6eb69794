package t04

// Fixed version: ClientFixed guards its closed flag and its outbox with one
// mutex. deliver checks the flag and performs the (non-blocking) send while
// holding it, and shutdown sets the flag and closes the channel under the
// same mutex, so a send can never reach a closed channel.

import (
	"sync"
	"sync/atomic"
	"time"
)

// ClientFixed is one connected user.
type ClientFixed struct {
	ID    string
	conn  Conn
	drops atomic.Int64

	mu     sync.Mutex
	closed bool
	out    chan Message
}

func (c *ClientFixed) deliver(m Message) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
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

func (c *ClientFixed) shutdown() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.closed {
		c.closed = true
		close(c.out)
	}
}

func (c *ClientFixed) writeLoop() {
	for m := range c.out {
		if err := c.conn.WriteMessage(m); err != nil {
			break
		}
	}
	_ = c.conn.Close()
}

// RoomFixed is a chat room.
type RoomFixed struct {
	Name string

	mu      sync.RWMutex
	members map[string]*ClientFixed
}

// NewRoomFixed returns an empty room.
func NewRoomFixed(name string) *RoomFixed {
	return &RoomFixed{Name: name, members: make(map[string]*ClientFixed)}
}

// Join adds a client and starts its writer.
func (r *RoomFixed) Join(id string, conn Conn) *ClientFixed {
	c := &ClientFixed{ID: id, conn: conn, out: make(chan Message, 64)}
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
func (r *RoomFixed) Leave(c *ClientFixed) {
	r.mu.Lock()
	if r.members[c.ID] == c {
		delete(r.members, c.ID)
	}
	r.mu.Unlock()
	c.shutdown()
}

func (r *RoomFixed) snapshot() []*ClientFixed {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]*ClientFixed, 0, len(r.members))
	for _, c := range r.members {
		out = append(out, c)
	}
	return out
}

// Broadcast sends m to every member and reports how many accepted it.
func (r *RoomFixed) Broadcast(m Message) int {
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
