package lockedmaps

import (
	"context"
	"errors"
	"sync"
	"time"
)

// A value copied out of a locked map by a getter, checked, changed in
// place and put back by a setter (textbook set 7, t11; set 6, t13): two
// spends that both read the balance both pass the check, and the second
// Put overwrites the first. The setter keys the entry by the value's own
// ID, and the value was loaded by that ID.

var errNoFunds = errors.New("insufficient funds")

type purse struct {
	ID      string
	Balance int64
	Version int64
}

type purseStore struct {
	mu      sync.Mutex
	purses  map[string]purse
	byOwner map[string]*purse
}

func (s *purseStore) Get(id string) (purse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.purses[id]
	return p, ok
}

func (s *purseStore) Put(p purse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.purses[p.ID] = p
}

type purseService struct{ store *purseStore }

func (svc *purseService) Spend(id string, amount int64) error {
	p, ok := svc.store.Get(id)
	if !ok || p.Balance < amount {
		return errNoFunds
	}
	p.Balance -= amount
	p.Version++
	svc.store.Put(p) // want `svc.store.Put\(p\), which makes svc.store.purses\[p.ID\] = … under svc.store.mu through Put \(storecopy.go:40\), after svc.store.Get\(id\), which reads svc.store.purses\[id\] under svc.store.mu, on line 46 stores a value computed from the loaded one, but is not atomic with it: another goroutine can update p.ID in between, and that update is lost; use one lock held across the check and the write, in one function in place of this read and Put`
	return nil
}

// The same through a method with a pointer receiver called on the copy.
func (p *purse) debit(amount int64) { p.Balance -= amount }

func (svc *purseService) Charge(id string, amount int64) error {
	p, ok := svc.store.Get(id)
	if !ok || p.Balance < amount {
		return errNoFunds
	}
	p.debit(amount)
	svc.store.Put(p) // want `svc.store.Put\(p\), which makes svc.store.purses\[p.ID\] = … under svc.store.mu through Put .* stores a value computed from the loaded one`
	return nil
}

// Near-miss: the check and the change under one lock.
type purseLedger struct {
	mu     sync.Mutex
	purses map[string]purse
}

func (l *purseLedger) Update(id string, fn func(*purse) error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	p, ok := l.purses[id]
	if !ok {
		return errNoFunds
	}
	if err := fn(&p); err != nil {
		return err
	}
	l.purses[id] = p
	return nil
}

func (l *purseLedger) Spend(id string, amount int64) error {
	return l.Update(id, func(p *purse) error {
		if p.Balance < amount {
			return errNoFunds
		}
		p.Balance -= amount
		return nil
	})
}

// Near-miss: the copy stored under another key (its ID set anew) is a new
// entry, not the one loaded.
func (svc *purseService) Split(id, newID string) error {
	p, ok := svc.store.Get(id)
	if !ok {
		return errNoFunds
	}
	p.ID = newID
	p.Balance /= 2
	svc.store.Put(p)
	return nil
}

// Near-miss: a pointer changed in place and the same pointer put back:
// the map's entry is not replaced by anything the check did not load (the
// data race on the object is the race detector's to report).
func (s *purseStore) owner(name string) (*purse, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.byOwner[name]
	return p, ok
}

func (s *purseStore) setOwner(name string, p *purse) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byOwner[name] = p
}

func (s *purseStore) Touch(name string) {
	p, ok := s.owner(name)
	if !ok {
		return
	}
	p.Version++
	s.setOwner(name, p)
}

// A lease read through an interface whose one implementation in the
// package returns the map's entry beside a nil error, and written back
// through it (textbook set 7, t14): two electors that both find the lease
// expired both write themselves in as its holder, and both lead.

type leaseRecord struct {
	Holder  string
	Expires time.Time
	Epoch   int64
}

type leaseStore interface {
	Get(ctx context.Context, name string) (leaseRecord, error)
	Put(ctx context.Context, name string, l leaseRecord) error
}

type memLeases struct {
	mu     sync.Mutex
	leases map[string]leaseRecord
}

func (m *memLeases) Get(_ context.Context, name string) (leaseRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.leases[name], nil
}

func (m *memLeases) Put(_ context.Context, name string, l leaseRecord) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.leases[name] = l
	return nil
}

type elector struct {
	store leaseStore
	name  string
	id    string
	ttl   time.Duration
}

func (e *elector) TryAcquire(ctx context.Context) (bool, error) {
	cur, err := e.store.Get(ctx, e.name)
	if err != nil {
		return false, err
	}
	now := time.Now()
	if cur.Holder != "" && cur.Holder != e.id && now.Before(cur.Expires) {
		return false, nil
	}
	next := leaseRecord{Holder: e.id, Expires: now.Add(e.ttl), Epoch: cur.Epoch + 1}
	if err := e.store.Put(ctx, e.name, next); err != nil { // want `e.store.Put\(ctx, e.name, next\), which makes e.store.leases\[e.name\] = … under e.store.mu through Put \(storecopy.go:167\), after e.store.Get\(ctx, e.name\), which reads e.store.leases\[e.name\] under e.store.mu, on line 179 stores a value computed from the loaded one`
		return false, err
	}
	return true, nil
}

// Near-miss: a lease written whatever was there (a forced takeover) is
// decided by nothing the check loaded.
func (e *elector) Takeover(ctx context.Context) error {
	if _, err := e.store.Get(ctx, e.name); err != nil {
		return err
	}
	return e.store.Put(ctx, e.name, leaseRecord{Holder: e.id, Expires: time.Now().Add(e.ttl)})
}

// Near-miss: a subscription deleted by its own unique ID after it was
// found by that ID: no other subscription can have taken the ID in
// between (nats.go's auto-unsubscribe, false when deletes were counted).
type subscription struct {
	sid       int64
	delivered int
	max       int
}

type subTable struct {
	mu   sync.Mutex
	subs map[int64]*subscription
}

func (t *subTable) remove(s *subscription) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.subs, s.sid)
}

func (t *subTable) Deliver(sid int64) {
	t.mu.Lock()
	s := t.subs[sid]
	t.mu.Unlock()
	if s == nil {
		return
	}
	s.delivered++
	if s.delivered >= s.max {
		t.remove(s)
	}
}
