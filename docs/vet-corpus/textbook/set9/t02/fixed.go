package t02

// Fix: use sync.Map.CompareAndDelete, which deletes the key only if its
// current value is still c. The identity check and the delete are a single
// atomic operation, so a connection registered concurrently is never removed
// by the old connection's cleanup.

// UnregisterFixed removes c from the registry if it is still the active one.
func (n *Notifier) UnregisterFixed(c *Conn) {
	n.conns.CompareAndDelete(c.User, c)
}

// serveFixed is serve using UnregisterFixed.
func (n *Notifier) serveFixed(c *Conn, write func([]byte) error) {
	defer n.UnregisterFixed(c)
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
