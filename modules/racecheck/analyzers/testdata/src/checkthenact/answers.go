package checkthenact

import "sync"

// A function that answers the same constants whether its check found the
// key or not tells its caller nothing about who inserted or deleted: two
// racing calls leave the maps as one does (mark3labs/mcp-go 56af04b2,
// server/streamable_http.go:2113, InsecureStatefulSessionIdManager.Terminate).

type sessionIDs struct{ terminated, sessions sync.Map }

func (s *sessionIDs) Terminate(id string) (notAllowed bool, err error) {
	if _, exists := s.terminated.Load(id); exists {
		return false, nil
	}
	if _, exists := s.sessions.Load(id); !exists {
		return false, nil
	}
	s.terminated.Store(id, true)
	s.sessions.Delete(id)
	return false, nil
}

// TerminateOnce answers true to the one that terminated: both racing
// calls do.
func (s *sessionIDs) TerminateOnce(id string) bool {
	if _, exists := s.terminated.Load(id); exists {
		return false
	}
	if _, exists := s.sessions.Load(id); !exists {
		return false
	}
	s.terminated.Store(id, true) // want `s.terminated.Store\(id\) after s.terminated.Load\(id\) on line 27 .*both go on as the one that inserted it`
	s.sessions.Delete(id)        // want `s.sessions.Delete\(id\) after s.sessions.Load\(id\) on line 30 deletes the entry the check found`
	return true
}

// TerminateNotify tells a listener, which both racing calls do.
func (s *sessionIDs) TerminateNotify(id string, closed chan<- string) {
	if _, exists := s.terminated.Load(id); exists {
		return
	}
	s.terminated.Store(id, true) // want `s.terminated.Store\(id\) after s.terminated.Load\(id\) on line 40 .*both go on as the one that inserted it`
	s.sessions.Delete(id)
	closed <- id
}

// Rename drops the old key from the map it marks the new one in: the
// Delete is of the same map, an act of the one that inserted.
func (s *sessionIDs) Rename(oldID, newID string) {
	if _, exists := s.terminated.Load(newID); exists {
		return
	}
	s.terminated.Store(newID, true) // want `s.terminated.Store\(newID\) after s.terminated.Load\(newID\) on line 51 .*both go on as the one that inserted it`
	s.terminated.Delete(oldID)
}
