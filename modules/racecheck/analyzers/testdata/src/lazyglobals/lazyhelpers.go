package lazyglobals

import (
	"bufio"
	"os"
	"sync"
)

// A lazy open split between a locking getter that answers whether the
// field is set and a locking method that sets it (textbook set 7, t06: a
// lazily opened audit log): two Records both find the log unopened, both
// open the file, and the second open replaces the first's writer; the
// records buffered in it are lost and its file is never closed.
type auditLog struct {
	path string
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
}

func (a *auditLog) opened() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.w != nil
}

func (a *auditLog) open() error {
	f, err := os.OpenFile(a.path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.f = f
	a.w = bufio.NewWriterSize(f, 64<<10)
	a.mu.Unlock()
	return nil
}

func (a *auditLog) Record(line []byte) error {
	if !a.opened() {
		if err := a.open(); err != nil { // want `a.open\(\), which sets a.w under its lock, after a.opened\(\), which found it unset under its lock, on line [0-9]+: nothing under the lock looks at it again`
			return err
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	_, err := a.w.Write(line)
	return err
}

// The getter asks the other way, and the if refuses.
func (a *auditLog) unopened() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.w == nil
}

func (a *auditLog) Ensure() error {
	if !a.unopened() {
		return nil
	}
	return a.open() // want `a.open\(\), which sets a.w under its lock, after a.unopened\(\), which found it unset under its lock`
}

// Near-miss: the setter looks again under its lock.
type checkedLog struct {
	path string
	mu   sync.Mutex
	w    *bufio.Writer
}

func (l *checkedLog) opened() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w != nil
}

func (l *checkedLog) open() error {
	f, err := os.Create(l.path)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.w != nil {
		return f.Close()
	}
	l.w = bufio.NewWriter(f)
	return nil
}

func (l *checkedLog) Record(line []byte) error {
	if !l.opened() {
		if err := l.open(); err != nil {
			return err
		}
	}
	return nil
}

// Near-miss: the fix opens once.
type onceLog struct {
	path string
	once sync.Once
	mu   sync.Mutex
	w    *bufio.Writer
}

func (l *onceLog) Record(line []byte) {
	l.once.Do(func() {
		f, err := os.Create(l.path)
		if err != nil {
			return
		}
		l.mu.Lock()
		l.w = bufio.NewWriter(f)
		l.mu.Unlock()
	})
}

// Near-miss: the constructor sets the field and nothing clears it; the
// lazy branch serves only a value made without it.
type eagerLog struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func newEagerLog(f *os.File) *eagerLog {
	l := &eagerLog{}
	l.w = bufio.NewWriter(f)
	return l
}

func (l *eagerLog) opened() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w != nil
}

func (l *eagerLog) reset(f *os.File) {
	l.mu.Lock()
	l.w = bufio.NewWriter(f)
	l.mu.Unlock()
}

func (l *eagerLog) Record(f *os.File) {
	if !l.opened() {
		l.reset(f)
	}
}

// The copy tested in one term of a condition (textbook set 11, t03: a
// peer set built on first use): if p != nil || closed { return p }
// refuses where the set exists, and two first callers both build one;
// the one replaced keeps probing peers forever.
type peerSet struct{ stop chan struct{} }

func newPeerSet() *peerSet { return &peerSet{stop: make(chan struct{})} }

type peerGroup struct {
	mu     sync.RWMutex
	peers  *peerSet
	closed bool
}

func (g *peerGroup) picker() *peerSet {
	g.mu.RLock()
	p, closed := g.peers, g.closed
	g.mu.RUnlock()
	if p != nil || closed {
		return p
	}
	ps := newPeerSet()
	g.mu.Lock()
	g.peers = ps // want `g.peers is set here under g.mu, taken after the test on line [0-9]+ found it unset with no lock held`
	g.mu.Unlock()
	return ps
}

func (g *peerGroup) pickerAnd() *peerSet {
	g.mu.RLock()
	p, closed := g.peers, g.closed
	g.mu.RUnlock()
	if p == nil && !closed {
		p = newPeerSet()
		g.mu.Lock()
		g.peers = p // want `g.peers is set here under g.mu, taken after the test on line [0-9]+ found it unset`
		g.mu.Unlock()
	}
	return p
}

// Near-miss: the body runs where the set exists or is stale, a refresh
// and not a first use.
func (g *peerGroup) refresh(stale bool) *peerSet {
	g.mu.RLock()
	p := g.peers
	g.mu.RUnlock()
	if p == nil || stale {
		p = newPeerSet()
		g.mu.Lock()
		g.peers = p
		g.mu.Unlock()
	}
	return p
}

func (g *peerGroup) Close() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	if g.peers != nil {
		close(g.peers.stop)
		g.peers = nil
	}
}
