package t09

// FIX: re-check the condition in a loop after every wake-up, while holding
// the mutex. The emptiness test and the removal of the head now happen in
// the same critical section (the last iteration of the loop), so no other
// sender can steal the item in between.

// PopFixed blocks until a message is available or the queue is closed.
func (q *Queue) PopFixed() (Message, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 {
		if q.closed {
			return Message{}, false
		}
		q.cond.Wait()
	}
	m := q.items[0]
	q.items[0] = Message{}
	q.items = q.items[1:]
	return m, true
}
