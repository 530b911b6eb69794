package checkthenact

// A field the package sets under its object's lock, checked and set in
// plain by a method no caller runs under that lock.

import "sync"

// bwmarrin/discordgo voice.go at 92c52f3d (fixed in 9bcbfec, discordgo#816):
// Disconnect tests the voice session's ID and clears it with no lock,
// while the event goroutine's onVoiceStateUpdate sets it under the
// connection's lock. A session ID set between the test and the clear is
// wiped, and the next join waits for an ID that never comes.
type voiceConn struct {
	sync.RWMutex
	guildID   string
	sessionID string
	ws        *wsConn
}

type wsConn struct{ mu sync.Mutex }

func (w *wsConn) writeJSON(v any) error { return nil }

type voiceSession struct {
	sync.RWMutex
	voice map[string]*voiceConn
}

func (v *voiceConn) Disconnect() error {
	var err error
	if v.sessionID != "" {
		v.ws.mu.Lock()
		err = v.ws.writeJSON(v.guildID)
		v.ws.mu.Unlock()
		v.sessionID = "" // want `v.sessionID is set here after the condition on line 31 read it with no lock held, while onVoiceStateUpdate sets it under voice's lock \(guardedfield.go:48\): a set made there between the two is overwritten here; hold v's lock across the check and the set`
	}
	return err
}

func (s *voiceSession) onVoiceStateUpdate(guild, session string) {
	s.RLock()
	voice, ok := s.voice[guild]
	s.RUnlock()
	if !ok {
		return
	}
	voice.Lock()
	voice.sessionID = session
	voice.Unlock()
}

// The fix: the test and the clear under the connection's lock.
type voiceConnFixed struct {
	sync.RWMutex
	sessionID string
}

func (v *voiceConnFixed) Disconnect() {
	v.Lock()
	if v.sessionID != "" {
		leave()
		v.sessionID = ""
	}
	v.Unlock()
}

func (v *voiceConnFixed) update(session string) {
	v.Lock()
	defer v.Unlock()
	v.sessionID = session
}

func leave() {}

// Not reported: no function of the package sets the field under a lock
// (a plain field the race detector is there for).
type plainConn struct {
	mu        sync.Mutex
	sessionID string
	n         int
}

func (p *plainConn) Disconnect() {
	if p.sessionID != "" {
		leave()
		p.sessionID = ""
	}
}

func (p *plainConn) count() {
	p.mu.Lock()
	p.n++
	p.mu.Unlock()
}

// Not reported: every caller of the unexported method holds the
// receiver's lock.
type heldConn struct {
	mu        sync.Mutex
	sessionID string
}

func (h *heldConn) disconnect() {
	if h.sessionID != "" {
		leave()
		h.sessionID = ""
	}
}

func (h *heldConn) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.disconnect()
}

func (h *heldConn) set(id string) {
	h.mu.Lock()
	h.sessionID = id
	h.mu.Unlock()
}

// Not reported: the set elsewhere holds another object's lock, not the
// one of the object whose field it sets.
type otherLockConn struct {
	mu        sync.Mutex
	sessionID string
}

type connRegistry struct {
	mu    sync.Mutex
	conns []*otherLockConn
}

func (o *otherLockConn) Disconnect() {
	if o.sessionID != "" {
		leave()
		o.sessionID = ""
	}
}

func (r *connRegistry) assign(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.sessionID = id
	}
}

// Not reported: the method runs only below a method that holds the
// receiver's lock, three calls up, one of them a retry calling itself
// (IBM/sarama's joinGroupRequest, under Consume's c.lock).
type consumerGroup struct {
	lock      sync.Mutex
	lastCause error
}

func (c *consumerGroup) Consume(cause error) {
	c.lock.Lock()
	defer c.lock.Unlock()
	c.newSession()
	c.lastCause = cause
}

func (c *consumerGroup) newSession() { c.retryJoin(3) }

func (c *consumerGroup) retryJoin(retries int) {
	if retries > 0 && c.lastCause != nil {
		c.retryJoin(retries - 1)
		return
	}
	c.join()
}

func (c *consumerGroup) join() {
	if c.lastCause != nil {
		leave()
		c.lastCause = nil
	}
}

// Not reported: a mode set to constants, under the lock in one method and
// tested and set in plain in another, is a protocol of its own (nats.go's
// ordered consumer: Messages refuses after Fetch, Fetch after Messages).
type orderedConsumer struct {
	sync.Mutex
	mode int
}

const (
	modeNone = iota
	modeConsume
	modeFetch
)

func (o *orderedConsumer) Messages() bool {
	if o.mode == modeFetch {
		return false
	}
	o.mode = modeConsume
	leave()
	return true
}

func (o *orderedConsumer) Fetch() bool {
	o.Lock()
	defer o.Unlock()
	if o.mode == modeConsume {
		return false
	}
	o.mode = modeFetch
	return true
}
