// Package t02 is the connection registry of a push-notification gateway: each
// logged-in user keeps one long-lived connection over which the gateway pushes
// notifications.
//
// Concurrency: Register is called by the accept goroutine when a client
// connects; the connection's read loop (serve, one goroutine per connection)
// calls Unregister when the connection ends; Notify is called from many
// backend-event goroutines. When a phone switches from Wi-Fi to LTE it
// reconnects: the new connection's Register runs concurrently with the old
// connection's Unregister (the old read loop only notices the dead socket
// when it is kicked or times out).
//
// BUG: Unregister Loads the current connection for the user, checks that it
// is the connection being torn down (v == c), and then calls Delete(user). The
// Delete is by key only: if Register stored the new connection between the
// Load and the Delete, the new connection is deleted instead.
//
// HARM: the user's fresh, healthy connection is removed from the registry.
// Notify finds nothing and silently drops every notification for that user
// until they reconnect again; the orphaned connection stays open (leaked
// socket and goroutine) because nothing references it for kicking.
package t02

import (
	"sync"
	"sync/atomic"
)

// Conn is one client connection.
type Conn struct {
	ID   uint64
	User string
	out  chan []byte
	done chan struct{}
	once sync.Once
}

func (c *Conn) kick() { c.once.Do(func() { close(c.done) }) }

// Notifier maps user id -> *Conn.
type Notifier struct {
	conns  sync.Map
	nextID atomic.Uint64
}

// Register makes c the active connection of user, kicking any previous one.
func (n *Notifier) Register(user string) *Conn {
	c := &Conn{
		ID:   n.nextID.Add(1),
		User: user,
		out:  make(chan []byte, 64),
		done: make(chan struct{}),
	}
	if old, loaded := n.conns.Swap(user, c); loaded {
		old.(*Conn).kick()
	}
	return c
}

// Unregister removes c from the registry if it is still the active one.
func (n *Notifier) Unregister(c *Conn) {
	if v, ok := n.conns.Load(c.User); ok && v.(*Conn) == c { // check
		// Register(c.User) may Swap in a new connection right here
		n.conns.Delete(c.User) // act: deletes whatever is there now
	}
}

// Notify queues msg for user; it reports whether the user is connected and
// the message was queued.
func (n *Notifier) Notify(user string, msg []byte) bool {
	v, ok := n.conns.Load(user)
	if !ok {
		return false
	}
	select {
	case v.(*Conn).out <- msg:
		return true
	default:
		return false // slow client, drop
	}
}

// serve runs the per-connection loop: it writes queued messages until the
// connection fails or is kicked, then unregisters.
func (n *Notifier) serve(c *Conn, write func([]byte) error) {
	defer n.Unregister(c)
	for {
		select {
		case <-c.done:
			return
		case msg := <-c.out:
			if err := write(msg); err != nil {
				return
			}
		}
	}
}
