package lockedhelpers

import (
	"strings"
	"sync"
)

// A get-or-create of a new object on a Go map, reported without
// -plainmaps: the read under the read lock misses, the lock is released,
// and a new object is stored under the write lock without a second look
// and handed back. Two callers that both miss get different objects; the
// map keeps one.

// lyft/gostats stats.go at bade9ed (fixed in 8f941d5, lyft/gostats#51):
// the losing caller's gauge is never flushed.
type gauge struct{ value uint64 }

type statStore struct {
	gaugesMtx sync.RWMutex
	gauges    map[string]*gauge
}

func (s *statStore) NewGauge(name string) *gauge {
	s.gaugesMtx.RLock()
	g, ok := s.gauges[name]
	s.gaugesMtx.RUnlock()
	if ok {
		return g
	}
	g = &gauge{}
	s.gaugesMtx.Lock()
	s.gauges[name] = g // want `s.gauges\[name\] = … after s.gauges\[name\] on line 25 runs only when the check found no entry`
	s.gaugesMtx.Unlock()
	return g
}

// The fix: look again under the write lock.
func (s *statStore) NewGaugeFixed(name string) *gauge {
	s.gaugesMtx.RLock()
	g, ok := s.gauges[name]
	s.gaugesMtx.RUnlock()
	if ok {
		return g
	}
	s.gaugesMtx.Lock()
	defer s.gaugesMtx.Unlock()
	if g, ok := s.gauges[name]; ok {
		return g
	}
	g = &gauge{}
	s.gauges[name] = g
	return g
}

// folbricht/routedns dnssec/keystore.go at 9d641ff (fixed in c6b7516,
// folbricht/routedns#578): records written to the orphaned entry are lost.
type keystoreEntry struct{ records []string }

type keystore struct {
	mu    sync.RWMutex
	store map[string]*keystoreEntry
}

func (s *keystore) getItem(name string) *keystoreEntry {
	mk := strings.ToLower(name)
	s.mu.RLock()
	item, ok := s.store[mk]
	s.mu.RUnlock()
	if ok {
		return item
	}
	item = new(keystoreEntry)
	s.mu.Lock()
	s.store[mk] = item // want `s.store\[mk\] = … after s.store\[mk\] on line 67 runs only when the check found no entry`
	s.mu.Unlock()
	return item
}

// Near-miss without -plainmaps: a memo of a value computed from the key
// (go-zero's key cache): racing callers store equal slices.
type keyCache struct {
	mu   sync.Mutex
	keys map[string][]string
}

func (k *keyCache) split(key string) []string {
	k.mu.Lock()
	keys, ok := k.keys[key]
	k.mu.Unlock()
	if ok {
		return keys
	}
	keys = strings.Split(key, ".")
	k.mu.Lock()
	k.keys[key] = keys
	k.mu.Unlock()
	return keys
}

// Near-miss without -plainmaps: a new object stored and handed to a
// goroutine, not back to the caller (go-micro's NATS transport: its accept
// loop is the only inserter).
type socket struct{ reply string }

type transport struct {
	sync.RWMutex
	so map[string]*socket
}

func (n *transport) accept(reply string, serve func(*socket)) {
	n.RLock()
	sock, ok := n.so[reply]
	n.RUnlock()
	if !ok {
		sock = &socket{reply: reply}
		n.Lock()
		n.so[reply] = sock
		n.Unlock()
		go serve(sock)
	}
}
