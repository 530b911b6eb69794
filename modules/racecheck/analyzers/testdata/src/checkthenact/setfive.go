package checkthenact

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// Shapes of the fifth textbook set (7 December, written blind): each
// missed by the rules of that day until a condition was widened.

// A connection registered under its own user ID, refused when one is
// there: the key is read from the value stored, so two connections of one
// user are two objects, and the first is replaced and never closed (t01).
type pushConn struct {
	UserID string
	done   chan struct{}
}

var errConnected = errors.New("already connected")

type pushRegistry struct {
	conns sync.Map
}

func (r *pushRegistry) Attach(c *pushConn) error {
	if _, ok := r.conns.Load(c.UserID); ok {
		return errConnected
	}
	r.conns.Store(c.UserID, c) // want `r.conns.Store\(c.UserID\) after r.conns.Load\(c.UserID\) on line \d+ runs only when the check found no entry`
	return nil
}

// Near-miss: a memo of a value built from the key's owner: racing fills
// store equal values (the key does not come from the value stored).
type shapeInfo struct{ fields int }

type shapeCache struct {
	shapes sync.Map
}

func (s *shapeCache) shape(t *pushConn) *shapeInfo {
	if v, ok := s.shapes.Load(t.UserID); ok {
		return v.(*shapeInfo)
	}
	info := &shapeInfo{fields: len(t.UserID)}
	s.shapes.Store(t.UserID, info)
	return info
}

// A stop literal closing a channel of the function it is written in,
// behind an atomic flag, called from a signal goroutine and from an HTTP
// handler: both pass the flag and both close (t05).
func runDaemon(sigs <-chan struct{}, mux *http.ServeMux) {
	var stopping atomic.Bool
	quit := make(chan struct{})
	stop := func() {
		if !stopping.Load() {
			stopping.Store(true) // want `stopping.Store\(true\) after stopping.Load\(\) on line \d+ runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(quit\)`
			close(quit)
		}
	}
	go func() {
		<-sigs
		stop()
	}()
	mux.HandleFunc("POST /quit", func(w http.ResponseWriter, r *http.Request) { stop() })
	<-quit
}

// Near-miss: the channel is a local the literal assigns again (a swap),
// not one every caller reaches the same way.
func runSwapped(next func() chan struct{}) {
	var stopping atomic.Bool
	quit := make(chan struct{})
	stop := func() {
		if !stopping.Load() {
			stopping.Store(true)
			close(quit)
		}
		quit = next()
	}
	go stop()
	stop()
}

// A task's cancel probes its channel and closes it after the select; a
// deadline timer runs it in a goroutine of its own and an HTTP handler
// calls it too (t07).
type timedTask struct {
	cancel chan struct{}
	timer  *time.Timer
}

func (t *timedTask) Cancel() {
	select {
	case <-t.cancel:
		return
	default:
	}
	close(t.cancel) // want `close\(t.cancel\) after the probe on line \d+ found it open is not atomic with it: time.AfterFunc\(d, t.Cancel\) on line \d+ runs it in a goroutine of its own, and line \d+ calls it too`
}

func startTimed(d time.Duration) *timedTask {
	t := &timedTask{cancel: make(chan struct{})}
	t.timer = time.AfterFunc(d, t.Cancel)
	return t
}

func serveCancel(t *timedTask) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t.Cancel()
	}
}

// Near-miss: a method the timer runs and nothing else calls.
type onceTask struct {
	cancel chan struct{}
}

func (t *onceTask) expire() {
	select {
	case <-t.cancel:
		return
	default:
	}
	close(t.cancel)
}

func startOnce(d time.Duration) *onceTask {
	t := &onceTask{cancel: make(chan struct{})}
	time.AfterFunc(d, t.expire)
	return t
}

// A crawler marks a URL visited after fetching it; the page fetched is
// kept and sent on, and two goroutines reaching one link both fetch and
// send it (t10).
type crawlPage struct {
	body  string
	links []string
}

type visitedSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

func (s *visitedSet) Seen(u string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.m[u]
	return ok
}

func (s *visitedSet) Mark(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[u] = struct{}{}
}

type crawler struct {
	visited visitedSet
	fetch   func(string) (crawlPage, error)
	out     chan<- crawlPage
}

func (c *crawler) visit(u string) {
	if c.visited.Seen(u) {
		return
	}
	p, err := c.fetch(u)
	c.visited.Mark(u) // want `c.visited.Mark\(u\), which makes c.visited.m\[u\] = … .* both do the work before this assignment marks it done`
	if err != nil {
		return
	}
	c.out <- p
	for _, l := range p.links {
		go c.visit(l)
	}
}

// Near-miss: a memo through helpers: what the call answers is what is
// stored.
type titleCache struct {
	mu     sync.Mutex
	titles map[string]string
}

func (t *titleCache) get(u string) (string, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	s, ok := t.titles[u]
	return s, ok
}

func (t *titleCache) put(u, s string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.titles[u] = s
}

func (t *titleCache) title(u string, fetch func(string) (string, error)) {
	if _, ok := t.get(u); ok {
		return
	}
	s, err := fetch(u)
	if err != nil {
		return
	}
	t.put(u, s)
}

// A sign-up refused in the first case of a switch with no tag (t20).
var errNameTaken = errors.New("name taken")

type nameOwner struct {
	Name string
}

type nameStore interface {
	Get(ctx context.Context, name string) (nameOwner, error)
	Put(ctx context.Context, o nameOwner) error
}

type memNames struct {
	mu sync.Mutex
	m  map[string]nameOwner
}

func (s *memNames) Get(_ context.Context, name string) (nameOwner, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o, ok := s.m[name]
	if !ok {
		return nameOwner{}, errNotFoundName
	}
	return o, nil
}

func (s *memNames) Put(_ context.Context, o nameOwner) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[o.Name] = o
	return nil
}

var errNotFoundName = errors.New("not found")

type names struct {
	store nameStore
}

func (n *names) SignUp(ctx context.Context, name string) error {
	_, err := n.store.Get(ctx, name)
	switch {
	case err == nil:
		return errNameTaken
	case !errors.Is(err, errNotFoundName):
		return err
	}
	return n.store.Put(ctx, nameOwner{Name: name}) // want `n.store.Put\(ctx, nameOwner\{Name: name\}\), which makes n.store.m\[nameOwner\{…\}.Name\] = … under n.store.mu through Put`
}

// Near-miss: the same memo with the answer parsed before it is stored.
func (t *titleCache) parsedTitle(u string, fetch func(string) ([]byte, error)) {
	if _, ok := t.get(u); ok {
		return
	}
	raw, err := fetch(u)
	if err != nil {
		return
	}
	s := string(raw)
	t.put(u, s)
}

// Near-miss: a builtin between the check and the mark does no work (nsq's
// AddClient counts the clients it found).
func (c *crawler) count(u string) int {
	if c.visited.Seen(u) {
		return 0
	}
	n := len(c.visited.m)
	c.visited.Mark(u)
	return n
}
