package lockedmaps

import "sync"

// xtaci/kcp-go sess.go at 78a2a391: the listener's one read loop (go
// l.monitor(), started once by the constructor) looks a session up by
// address under the read lock and, when the packet's conversation is
// another, closes it and inserts a new one under the write lock. Only
// that loop inserts; sessions remove themselves from other goroutines. A
// delete in between leaves the address absent, and the loop inserts it
// as it does for an address it never saw.
type kcpSession struct {
	l    *kcpListener
	addr string
	conv uint32
}

func newKCPSession(l *kcpListener, addr string, conv uint32) *kcpSession {
	return &kcpSession{l: l, addr: addr, conv: conv}
}

func (s *kcpSession) Close() {
	s.l.mu.Lock()
	delete(s.l.sessions, s.addr)
	s.l.mu.Unlock()
}

type kcpListener struct {
	mu       sync.RWMutex
	sessions map[string]*kcpSession
	packets  chan kcpPacket
}

type kcpPacket struct {
	addr string
	conv uint32
}

func listenKCP() *kcpListener {
	l := &kcpListener{sessions: map[string]*kcpSession{}, packets: make(chan kcpPacket)}
	go l.monitor()
	return l
}

func (l *kcpListener) monitor() {
	for p := range l.packets {
		l.packetInput(p)
	}
}

func (l *kcpListener) packetInput(p kcpPacket) {
	l.mu.RLock()
	s, exist := l.sessions[p.addr]
	l.mu.RUnlock()
	conv := p.conv
	if exist {
		if s.conv == conv {
			return
		}
		s.Close()
	}
	s = newKCPSession(l, p.addr, conv)
	l.mu.Lock()
	l.sessions[p.addr] = s
	l.mu.Unlock()
}

// The same input method exported: any goroutine can insert, and one
// goroutine's new session can be replaced by another's decided on a
// stale one.
type kcpServer struct {
	mu       sync.RWMutex
	sessions map[string]*kcpSession
}

func (l *kcpServer) Input(p kcpPacket) {
	l.mu.RLock()
	s, exist := l.sessions[p.addr]
	l.mu.RUnlock()
	conv := p.conv
	if exist {
		if s.conv == conv {
			return
		}
		s.Close()
	}
	s = newKCPSession(nil, p.addr, conv)
	l.mu.Lock()
	l.sessions[p.addr] = s // want `l.sessions\[p.addr\] = … after l.sessions\[p.addr\] on line 78 is decided by the loaded value`
	l.mu.Unlock()
}
