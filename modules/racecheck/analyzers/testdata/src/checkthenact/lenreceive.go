package checkthenact

import (
	"errors"
	"net/http"
	"sync"
	"time"
)

// A blocking receive decided by len: two callers that both see one value
// both receive, and the second blocks until something is sent.

var errNoToken = errors.New("no token")

type tokenBudget struct {
	tokens chan struct{}
}

func (b *tokenBudget) Take() bool {
	if len(b.tokens) > 0 {
		<-b.tokens // want `<-b.tokens after len\(b.tokens\) on line \d+ found it not empty is not atomic with it: another goroutine can receive the last value in between, and this receive then blocks until something is sent, maybe forever; receive in a select with a default case instead`
		return true
	}
	return false
}

// The early-return form.
func (b *tokenBudget) TakeOrFail() error {
	if len(b.tokens) == 0 {
		return errNoToken
	}
	<-b.tokens // want `<-b.tokens after len\(b.tokens\) on line \d+ found it not empty`
	return nil
}

type idleConns struct {
	idle chan int
	dial func() int
}

func (p *idleConns) Get() int {
	if p.dial != nil && 0 < len(p.idle) {
		return <-p.idle // want `<-p.idle after len\(p.idle\) on line \d+ found it not empty`
	}
	return p.dial()
}

// The fix: a select with a default case never blocks.
func (b *tokenBudget) TakeFixed() bool {
	select {
	case <-b.tokens:
		return true
	default:
		return false
	}
}

// Near-miss: a drain loop, one consumer emptying its channel.
func (b *tokenBudget) Drain() {
	for len(b.tokens) > 0 {
		<-b.tokens
	}
}

// Near-miss: every receiver holds the lock across the test and the
// receive.
type lockedBudget struct {
	mu     sync.Mutex
	tokens chan struct{}
}

func (b *lockedBudget) Take() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.tokens) > 0 {
		<-b.tokens
		return true
	}
	return false
}

// Near-miss: a local channel no other goroutine has.
func TakeLocal(n int) int {
	ch := make(chan int, n)
	ch <- n
	if len(ch) > 0 {
		return <-ch
	}
	return 0
}

// Near-miss: an unexported helper; its callers decide.
func (b *tokenBudget) take() bool {
	if len(b.tokens) > 0 {
		<-b.tokens
		return true
	}
	return false
}

// Near-miss: the test found the channel empty on the edge the receive
// takes (a wait for the next value, meant to block).
func (b *tokenBudget) Wait() {
	if len(b.tokens) == 0 {
		<-b.tokens
	}
}

// Near-miss: the one consumer's loop, taking what is there each round.
func (b *tokenBudget) Run(use func()) {
	for {
		if len(b.tokens) > 0 {
			<-b.tokens
			use()
		}
	}
}

// Near-miss: the receive in a select with a default after the length
// test, which cannot block.
func (b *tokenBudget) TakeIfAny() bool {
	if len(b.tokens) > 0 {
		select {
		case <-b.tokens:
			return true
		default:
		}
	}
	return false
}

// A blocking send decided by len against cap: two handlers that both see
// one free slot both send, and the second blocks instead of answering
// "busy".
type renderQueue struct {
	jobs chan string
}

func (q *renderQueue) enqueue(page string) bool {
	if len(q.jobs) >= cap(q.jobs) {
		return false
	}
	q.jobs <- page // want `send on q.jobs after len\(q.jobs\) on line \d+ found room in its buffer is not atomic with it: another goroutine can fill the last slot in between, and this send then blocks until a receiver takes one, maybe forever; send in a select with a default case instead`
	return true
}

// ServeHTTP runs on a goroutine per request, and reaches enqueue.
func (q *renderQueue) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !q.enqueue(r.URL.Path) {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

func (q *renderQueue) Offer(page string) bool {
	if len(q.jobs) < cap(q.jobs) {
		q.jobs <- page // want `send on q.jobs after len\(q.jobs\) on line \d+ found room`
		return true
	}
	return false
}

// The fix: a select with a default case.
func (q *renderQueue) offerFixed(page string) bool {
	select {
	case q.jobs <- page:
		return true
	default:
		return false
	}
}

// Near-miss: a send where the buffer was found full, meant to wait.
func (q *renderQueue) Wait(page string) {
	if len(q.jobs) == cap(q.jobs) {
		q.jobs <- page
	}
}

// Near-miss: a timer's channel, drained by its one owner (rqlite's
// stopTimer): a field of another package's type, here reached from the
// receiver.
type batchTimer struct{ timer *time.Timer }

func (b *batchTimer) Stop() {
	if !b.timer.Stop() && len(b.timer.C) > 0 {
		<-b.timer.C
	}
}

// Near-miss: the channel of an object handed in, which may be the
// caller's own (tinode's topicInit drains a topic no goroutine runs yet).
type topicChans struct{ exit chan string }

func DrainExit(t *topicChans) string {
	if len(t.exit) > 0 {
		return <-t.exit
	}
	return ""
}

// Room tested for each member of a room, the send after it (textbook set
// 11, t10: a websocket hub's Broadcast, called by each room's publisher
// and by HTTP handlers at once): two broadcasts that both see one free
// slot both send, and the second blocks on a stalled client.
type hubClient struct {
	send chan []byte
}

type wsHub struct {
	mu    sync.RWMutex
	rooms map[string]map[*hubClient]struct{}
}

func (h *wsHub) members(room string) []*hubClient {
	h.mu.RLock()
	defer h.mu.RUnlock()
	out := make([]*hubClient, 0, len(h.rooms[room]))
	for c := range h.rooms[room] {
		out = append(out, c)
	}
	return out
}

func (h *wsHub) Leave(c *hubClient) {}

func (h *wsHub) Broadcast(room string, msg []byte) (sent int) {
	for _, c := range h.members(room) {
		if len(c.send) == cap(c.send) {
			h.Leave(c)
			continue
		}
		c.send <- msg // want `send on c.send after len\(c.send\) on line [0-9]+ found room in its buffer is not atomic with it`
		sent++
	}
	return sent
}

// Near-miss: the fix, a select with a default case.
func (h *wsHub) BroadcastFixed(room string, msg []byte) (sent int) {
	for _, c := range h.members(room) {
		select {
		case c.send <- msg:
			sent++
		default:
			h.Leave(c)
		}
	}
	return sent
}

// Near-miss: clients the caller hands in, which may be its own.
func (h *wsHub) SendAll(clients []*hubClient, msg []byte) {
	for _, c := range clients {
		if len(c.send) == cap(c.send) {
			continue
		}
		c.send <- msg
	}
}
