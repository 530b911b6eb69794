package checkthenact

// Check-then-act split across functions, single-goroutine ownership
// documented by the code, and cache expiry: issue #19's follow-up cases from
// nats-server.

import (
	"sync"
	"time"
)

// https://github.com/nats-io/nats-server/pull/5589: updateAccountClaims
// looked for an account in tmpAccounts and, when it was missing, looked it
// up, which fetched and built it, and building stored it into tmpAccounts
// unconditionally; two goroutines each built one and one was overwritten.
// The fix made buildInternalAccount use LoadOrStore.
// account: declared with its state at the end of the file.

type claims struct{ Subject string }

type natsServer struct {
	mu          sync.Mutex
	accounts    sync.Map
	tmpAccounts sync.Map
}

func (s *natsServer) fetchClaims(name string) (*claims, error) { return &claims{Subject: name}, nil }

func (s *natsServer) buildAccount(ac *claims) *account {
	acc := &account{name: ac.Subject}
	s.tmpAccounts.Store(ac.Subject, acc)
	return acc
}

func (s *natsServer) fetchAccount(name string) (*account, error) {
	ac, err := s.fetchClaims(name)
	if err != nil {
		return nil, err
	}
	return s.buildAccount(ac), nil
}

func (s *natsServer) lookupAccount(name string) (*account, error) {
	if v, ok := s.accounts.Load(name); ok {
		return v.(*account), nil
	}
	return s.fetchAccount(name)
}

func (s *natsServer) importAccount(name string) *account {
	if v, ok := s.tmpAccounts.Load(name); ok {
		return v.(*account)
	}
	acc, _ := s.lookupAccount(name) // want `s.lookupAccount\(name\), which calls s.tmpAccounts.Store\(name\) through lookupAccount → fetchAccount → buildAccount \(calls.go:31\), after s.tmpAccounts.Load\(name\) on line 51 runs only when the check found no entry.* use LoadOrStore and the value it returns in buildAccount`
	return acc
}

// The fixed version: the builder claims the key itself, so calling it is
// not a blind store.
func (s *natsServer) buildAccountFixed(ac *claims) *account {
	acc := &account{name: ac.Subject}
	if v, loaded := s.tmpAccounts.LoadOrStore(ac.Subject, acc); loaded {
		return v.(*account)
	}
	return acc
}

func (s *natsServer) importAccountFixed(name string) *account {
	if v, ok := s.tmpAccounts.Load(name); ok {
		return v.(*account)
	}
	ac, _ := s.fetchClaims(name)
	return s.buildAccountFixed(ac)
}

// A call on the present branch, a call storing into another map and a call
// storing under another key are not an insert-if-absent of this key.
func (s *natsServer) refreshAccount(name string) {
	if v, ok := s.tmpAccounts.Load(name); ok {
		s.buildAccount(&claims{Subject: v.(*account).name})
	}
}

func (s *natsServer) register(name string, acc *account) { s.accounts.Store(name, acc) }

func (s *natsServer) otherMap(name string) {
	if _, ok := s.tmpAccounts.Load(name); !ok {
		s.register(name, &account{name: name})
	}
}

func (s *natsServer) otherKey(name, alias string) {
	if _, ok := s.tmpAccounts.Load(name); !ok {
		s.fetchAccount(alias)
	}
}

// The same through a lock held across the check and the call is atomic.
func (s *natsServer) importAccountLocked(name string) *account {
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.tmpAccounts.Load(name); ok {
		return v.(*account)
	}
	acc, _ := s.fetchAccount(name)
	return acc
}

// A gateway connection's per-account map is written only by the methods its
// own read loop calls (nats-server gateway.go, gatewayAllSubsReceiveStart):
// the documented single-goroutine ownership makes the insert safe.
type outsie struct{ mode int }

type gatewayConn struct {
	mu     sync.Mutex
	outsim sync.Map
}

func (c *gatewayConn) readLoop() {}

// Switches an account to interest-only mode.
// <Invoked from outbound connection's readLoop>
func (c *gatewayConn) allSubsReceiveStart(account string) {
	ei, _ := c.outsim.Load(account)
	if ei != nil {
		ei.(*outsie).mode = 1
	} else {
		c.outsim.Store(account, &outsie{mode: 1})
	}
}

// Without the documented ownership the same insert is reported.
func (c *gatewayConn) allSubsReceiveStartAnywhere(account string) {
	ei, _ := c.outsim.Load(account)
	if ei != nil {
		ei.(*outsie).mode = 1
	} else {
		c.outsim.Store(account, &outsie{mode: 1}) // want `runs only when the check found no entry`
	}
}

// A server method invoked from many connections' read loops is not owned
// by one of them: the server has no readLoop of its own.
type gatewayServer struct{ outsim sync.Map }

// <Invoked from any client connection's readLoop>
func (s *gatewayServer) allSubsReceiveStart(account string) {
	if _, ok := s.outsim.Load(account); !ok {
		s.outsim.Store(account, &outsie{mode: 1}) // want `runs only when the check found no entry`
	}
}

// nats-server mqtt.go, getCachedRetainedMsg: an expired entry is dropped
// from a cache; dropping a fresher entry stored in between only costs a
// reload.
type retainedMsg struct{ expires time.Time }

type sessionManager struct {
	rmsCache sync.Map
	pool     sync.Map
	dropped  int
}

func (as *sessionManager) cachedRetainedMsg(subject string) *retainedMsg {
	v, ok := as.rmsCache.Load(subject)
	if !ok {
		return nil
	}
	rm := v.(*retainedMsg)
	if rm.expires.Before(time.Now()) {
		as.rmsCache.Delete(subject)
		return nil
	}
	return rm
}

// A pool is not a cache: dropping the fresh connection loses it (the
// pulsar-client-go connection pool bug).
func (as *sessionManager) pooled(addr string) *retainedMsg {
	v, ok := as.pool.Load(addr)
	if !ok {
		return nil
	}
	rm := v.(*retainedMsg)
	if rm.expires.Before(time.Now()) {
		as.pool.Delete(addr) // want `is decided by the loaded value.* removes the new entry`
		return nil
	}
	return rm
}

// A cache expiry that also counts the drop acts on the stale value.
func (as *sessionManager) cachedCounted(subject string) *retainedMsg {
	v, ok := as.rmsCache.Load(subject)
	if !ok {
		return nil
	}
	rm := v.(*retainedMsg)
	if rm.expires.Before(time.Now()) {
		as.rmsCache.Delete(subject) // want `is decided by the loaded value`
		as.dropped++
		return nil
	}
	return rm
}

// A check made by a helper of the package: the helper returns what one
// check of the receiver's map found, under its parameter's key.
type registrar struct{ services sync.Map }

func (r *registrar) registered(name string) bool {
	_, ok := r.services.Load(name)
	return ok
}

func (r *registrar) lookup(name string) (*account, bool) {
	v, ok := r.services.Load(name)
	if !ok {
		return nil, false
	}
	return v.(*account), ok
}

func (r *registrar) register(name string) {
	if !r.registered(name) {
		r.services.Store(name, &account{name: name}) // want `r.services.Store\(name\) after r.registered\(name\), which calls r.services.Load\(name\), on line 225 runs only when the check found no entry`
	}
}

func (r *registrar) bump(name string) {
	if acc, ok := r.lookup(name); ok {
		r.services.Store(name, &account{name: acc.name + "+"}) // want `stores a value computed from the loaded one`
	}
}

// A helper that also answers true on its own is not a plain check.
func (r *registrar) registeredOrReserved(name string) bool {
	if name == "reserved" {
		return true
	}
	_, ok := r.services.Load(name)
	return ok
}

func (r *registrar) registerUnlessReserved(name string) {
	if !r.registeredOrReserved(name) {
		r.services.Store(name, &account{name: name})
	}
}

// An account holds state of its own besides its name (nats-server's has
// its clients, imports and exports): a new one has identity.
type account struct {
	name    string
	clients int
}
