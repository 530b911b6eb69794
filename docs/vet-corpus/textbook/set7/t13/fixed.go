// Fix: the reaper decides and commits in one critical section: it re-reads
// busy/lastSeen and sets closed under the session lock, so begin either runs
// before (the session is busy and gets re-armed) or after (it sees closed and
// returns ErrExpired); the connection is closed only after that decision.

package t13

import "time"

// OpenFixed starts a session whose timer runs expireFixed.
func OpenFixed(id string, conn Conn, idle time.Duration) *Session {
	s := &Session{ID: id, conn: conn, idle: idle, lastSeen: time.Now()}
	s.mu.Lock()
	s.timer = time.AfterFunc(idle, s.expireFixed)
	s.mu.Unlock()
	return s
}

func (s *Session) expireFixed() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	if s.busy > 0 {
		s.timer.Reset(s.idle)
		s.mu.Unlock()
		return
	}
	if d := time.Since(s.lastSeen); d < s.idle {
		s.timer.Reset(s.idle - d)
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	s.conn.Close()
}
