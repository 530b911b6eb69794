package t17

// Fix: Renew uses the store's conditional write for the whole check. The
// predicate "same owner, same token, not expired" is evaluated by PutIf under
// the store lock, in the same critical section as the write, so a lease
// taken over by another worker can no longer be overwritten by a stale
// renewal.

// RenewFixed extends the lease identified by token if owner still holds it.
func (m *Manager) RenewFixed(resource, owner string, token int64) (Lease, error) {
	now := m.now()
	l := Lease{Resource: resource, Owner: owner, Token: token, Expires: now.Add(m.ttl)}
	held := func(cur Lease, ok bool) bool {
		return ok && cur.Owner == owner && cur.Token == token && cur.Expires.After(now)
	}
	if !m.store.PutIf(l, held) {
		return Lease{}, ErrNotHolder
	}
	return l, nil
}
