package t02

// FIX: the check and the decrement happen inside one critical section
// (tryConsumeFixed), so no other Admit can observe the same remaining value.

// tryConsumeFixed atomically checks the quota and charges one call.
func (q *Quotas) tryConsumeFixed(tenant string) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.limit[tenant]-q.used[tenant] <= 0 {
		return false
	}
	q.used[tenant]++
	return true
}

// AdmitFixed reports whether the request may proceed and charges it.
func (q *Quotas) AdmitFixed(tenant string) bool {
	return q.tryConsumeFixed(tenant)
}
