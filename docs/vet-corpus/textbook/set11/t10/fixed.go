// Fixed version of the t10 hub: BroadcastFixed never does a blocking send.
// The "is there room?" question and the enqueue are one operation, a select
// with a default branch: the send happens only if a slot is free at that
// instant, otherwise (or if the client is already shutting down) the client is
// treated as slow and removed. No broadcaster can ever block on a client.
package t10

// BroadcastFixed queues msg for every member of room, dropping slow consumers.
func (h *Hub) BroadcastFixed(room string, msg []byte) (sent, dropped int) {
	for _, c := range h.members(room) {
		select {
		case <-c.done:
			continue
		default:
		}
		select {
		case c.send <- msg:
			sent++
		default:
			h.Leave(c)
			dropped++
		}
	}
	return sent, dropped
}

// RunRoomFixed is the per-room publisher goroutine.
func (h *Hub) RunRoomFixed(room string, in <-chan []byte) {
	for msg := range in {
		h.BroadcastFixed(room, msg)
	}
}
