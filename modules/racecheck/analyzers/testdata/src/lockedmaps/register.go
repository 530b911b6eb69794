package lockedmaps

import (
	"errors"
	"fmt"
	"sync"
)

// A registration that refuses a key already there, on a Go map under a
// lock: the shape of apache/dubbo-go registry/base_registry.go:143 at
// 08a4387b7ea2 ("todo bug when provider、consumer simultaneous
// initialization"), which does it on a sync.Map. Two racing Registers of
// one key both pass the check, both insert and both answer nil; the first
// one's entry is replaced while its caller goes on as registered.
type service struct{ addr string }

var errRegistered = errors.New("already registered")

type registry struct {
	mu       sync.RWMutex
	services map[string]*service
}

func (r *registry) register(name string, s *service) error {
	r.mu.RLock()
	_, ok := r.services[name]
	r.mu.RUnlock()
	if ok {
		return errRegistered
	}
	r.mu.Lock()
	r.services[name] = s // want `r.services\[name\] = … after r.services\[name\] on line 26 runs only when the check found no entry`
	r.mu.Unlock()
	return nil
}

// The same through helpers that each lock.
func (r *registry) lookup(name string) (*service, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, ok := r.services[name]
	return s, ok
}

func (r *registry) set(name string, s *service) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.services[name] = s
}

func (r *registry) registerVia(name string, s *service) error {
	if _, ok := r.lookup(name); ok {
		return fmt.Errorf("service %s: %w", name, errRegistered)
	}
	r.set(name, s) // want `r.set\(name, s\), which makes r.services\[name\] = … under r.mu through set \(register.go:\d+\), after r.lookup\(name\), which reads r.services\[name\] under r.mu, on line 52 runs only when the check found no entry`
	return nil
}

// The fix: one critical section.
func (r *registry) registerHeld(name string, s *service) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.services[name]; ok {
		return errRegistered
	}
	r.services[name] = s
	return nil
}

// The same registration answering false when the key is there and true
// when it inserted: two racing claims of one name both answer true.
func (r *registry) claim(name string, s *service) bool {
	r.mu.RLock()
	_, taken := r.services[name]
	r.mu.RUnlock()
	if taken {
		return false
	}
	r.mu.Lock()
	r.services[name] = s // want `r.services\[name\] = … after r.services\[name\] on line 74 runs only when the check found no entry`
	r.mu.Unlock()
	return true
}

// Near-miss: a false that is no refusal, as the function never answers
// true (a lookup that fills the map on a miss and reports a miss).
func (r *registry) fill(name string, s *service) bool {
	r.mu.RLock()
	_, found := r.services[name]
	r.mu.RUnlock()
	if found {
		return false
	}
	r.mu.Lock()
	r.services[name] = s
	r.mu.Unlock()
	return false
}

// Near-miss: adding a key already there succeeds (nsqio/nsq
// nsqd/channel.go AddClient at 3103474b6c5a: a client's own ID), so two
// racing adds promise nothing the map breaks.
func (r *registry) add(name string, s *service) error {
	r.mu.RLock()
	_, ok := r.services[name]
	r.mu.RUnlock()
	if ok {
		return nil
	}
	r.mu.Lock()
	r.services[name] = s
	r.mu.Unlock()
	return nil
}

// Near-miss: a memo that answers the error it cached when the key is there
// (zeromicro/go-zero core/mapping/utils.go at 11f21098ddd9,
// parseKeyAndOptions): it refuses nothing, and racing fillers store equal
// parses.
type parsed struct {
	key string
	err error
}

var (
	optionsLock  sync.RWMutex
	optionsCache = map[string]parsed{}
)

func parseOptions(tag string) (string, error) {
	optionsLock.RLock()
	cached, ok := optionsCache[tag]
	optionsLock.RUnlock()
	if ok {
		return cached.key, cached.err
	}
	key, err := tag, error(nil)
	if tag == "" {
		key, err = "", errors.New("empty tag")
	}
	optionsLock.Lock()
	optionsCache[tag] = parsed{key: key, err: err}
	optionsLock.Unlock()
	return key, err
}
