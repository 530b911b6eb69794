package t10

// Fix: re-check the condition in a loop after every wake-up, as the
// sync.Cond documentation requires. A worker that lost the item to another
// worker goes back to waiting instead of indexing an empty slice.

// PopFixed blocks until a job is available or the queue is closed and empty.
func (q *Queue) PopFixed() (Job, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.items) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.items) == 0 { // closed and drained
		return Job{}, false
	}
	j := q.items[0]
	q.items = q.items[1:]
	return j, true
}
