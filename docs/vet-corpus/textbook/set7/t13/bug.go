// Package t13 manages the interactive SQL-console sessions of the data
// platform. Each session pins one backend database connection; a session
// that has been idle for the configured timeout is reaped by a timer so the
// connection returns to the database.
//
// Concurrency: Exec runs in HTTP handler goroutines; the reaper is the
// time.AfterFunc callback (method value s.expire), which runs on its own
// goroutine whenever the timer fires.
//
// BUG [hard] (timer callback vs. request): expire checks idleness through
// the getter s.idleFor() (which takes and releases the session lock) and,
// when the session looks idle and unused, acts by calling s.close(), which
// marks the session closed and closes the backend connection. A request can
// call s.begin() between the two: it sees an open session, marks it busy and
// starts using the connection, which the reaper then closes under it.
//
// Harm: a user who returns to the console exactly at the idle deadline gets
// "use of closed connection" in the middle of their statement, and a
// half-run transaction is rolled back without explanation.
package t13

import (
	"errors"
	"sync"
	"time"
)

// ErrExpired is returned for sessions that were reaped.
var ErrExpired = errors.New("t13: session expired")

// Conn is a pinned backend connection.
type Conn interface {
	Exec(query string) (rows int64, err error)
	Close() error
}

// Session is one console session.
type Session struct {
	ID   string
	conn Conn
	idle time.Duration

	mu       sync.Mutex
	lastSeen time.Time
	busy     int
	closed   bool
	timer    *time.Timer
}

// Open starts a session with the given idle timeout.
func Open(id string, conn Conn, idle time.Duration) *Session {
	s := &Session{ID: id, conn: conn, idle: idle, lastSeen: time.Now()}
	s.mu.Lock()
	s.timer = time.AfterFunc(idle, s.expire)
	s.mu.Unlock()
	return s
}

// idleFor reports how long the session has been idle (0 while busy).
func (s *Session) idleFor() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.busy > 0 {
		return 0
	}
	return time.Since(s.lastSeen)
}

func (s *Session) rearm(d time.Duration) {
	s.mu.Lock()
	if !s.closed {
		s.timer.Reset(d)
	}
	s.mu.Unlock()
}

func (s *Session) expire() {
	if d := s.idleFor(); d < s.idle {
		s.rearm(s.idle - d)
		return
	}
	s.close()
}

func (s *Session) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.timer.Stop()
	s.mu.Unlock()
	s.conn.Close()
}

func (s *Session) begin() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrExpired
	}
	s.busy++
	return nil
}

func (s *Session) end() {
	s.mu.Lock()
	s.busy--
	s.lastSeen = time.Now()
	s.mu.Unlock()
}

// Exec runs one statement on the session's connection.
func (s *Session) Exec(query string) (int64, error) {
	if err := s.begin(); err != nil {
		return 0, err
	}
	defer s.end()
	return s.conn.Exec(query)
}

// Close ends the session at the user's request.
func (s *Session) Close() { s.close() }
