package t16

// FIX: the embedded store gets an update primitive that runs a decision
// function while holding its lock, and Acquire expresses "check free, then
// write our lease" as one such update. The check and the put are now in the
// same critical section, so at most one owner is granted an expired lease.

// update runs fn on the current value under the lock; if fn returns
// store=true, the returned value is written before the lock is released.
func (s *kv[V]) update(k string, fn func(cur V, ok bool) (next V, store bool)) V {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = make(map[string]V)
	}
	cur, ok := s.m[k]
	next, store := fn(cur, ok)
	if store {
		s.m[k] = next
		return next
	}
	return cur
}

// AcquireFixed grants or renews the lease atomically.
func (t *LeaseTable) AcquireFixed(partition, owner string) (Lease, bool) {
	granted := false
	l := t.update(partition, func(cur Lease, ok bool) (Lease, bool) {
		if !t.free(cur, ok, owner) {
			return cur, false
		}
		granted = true
		return Lease{Owner: owner, Expires: t.now().Add(t.TTL)}, true
	})
	return l, granted
}
