// Fix: the condition is re-checked in a loop around Wait, so a printer only
// proceeds while holding the mutex and having observed a non-empty queue (or
// a closed one) after its last wake-up.

package t09

// TakeFixed blocks until a job is available; ok is false once the queue is
// closed and empty.
func (q *Queue) TakeFixed() (j Job, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.jobs) == 0 && !q.closed {
		q.cond.Wait()
	}
	if len(q.jobs) == 0 {
		return Job{}, false
	}
	j = q.jobs[0]
	q.jobs[0] = Job{}
	q.jobs = q.jobs[1:]
	return j, true
}
