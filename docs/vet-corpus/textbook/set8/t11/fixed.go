package t11

// FIX: the delete re-validates the expiry under the write lock (and checks
// it is still present), so a session refreshed after
// the read-locked scan is left alone. The read-locked scan is kept only as a
// cheap pre-filter.

import "time"

func (s *Store) deleteIfExpiredFixed(id string, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sess, ok := s.sessions[id]
	if !ok || !now.After(sess.expires) {
		return false
	}
	delete(s.sessions, id)
	return true
}

// SweepFixed removes sessions that are still expired at deletion time.
func (s *Store) SweepFixed() int {
	n := 0
	for _, id := range s.expiredIDs(time.Now()) {
		if s.deleteIfExpiredFixed(id, time.Now()) {
			n++
		}
	}
	return n
}
