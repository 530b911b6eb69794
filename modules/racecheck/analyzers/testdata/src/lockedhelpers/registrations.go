package lockedhelpers

import (
	"context"
	"errors"
	"fmt"
	"sync"
)

// Registrations through a lookup and a register method that each lock,
// where the lookup's answer refuses a name already taken: two racing
// claims both pass the lookup, both register, and the first is replaced
// while its caller goes on as the owner. The shapes of the third and
// fourth textbook sets' r09 and s07: the key reaches the register method
// as a field of the struct it stores, the lookup answers an error when
// the name is absent or (bool, error), and the store is behind an
// interface the package implements once.

var errNotFound = errors.New("not found")

var errTaken = errors.New("name taken")

type instance struct {
	Name string
	Addr string
}

type roles struct {
	mu     sync.Mutex
	owners map[string]instance
}

func (r *roles) Lookup(name string) (instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	inst, ok := r.owners[name]
	if !ok {
		return instance{}, fmt.Errorf("%w: %q", errNotFound, name)
	}
	return inst, nil
}

func (r *roles) Register(inst instance) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.owners[inst.Name] = inst
}

// The refusal names the owner found: it is still an error of its own.
func (r *roles) Claim(name, addr string) (instance, error) {
	owner, err := r.Lookup(name)
	if err == nil {
		return instance{}, fmt.Errorf("%q already owned by %s", name, owner.Addr)
	}
	if !errors.Is(err, errNotFound) {
		return instance{}, err
	}
	inst := instance{Name: name, Addr: addr}
	r.Register(inst) // want `r.Register\(inst\), which makes r.owners\[inst.Name\] = … under r.mu through Register \(registrations.go:\d+\), after r.Lookup\(name\), which reads r.owners\[name\] under r.mu, on line \d+ runs only when the check found no entry`
	return inst, nil
}

// The fix: one critical section.
func (r *roles) ClaimHeld(name, addr string) (instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if owner, ok := r.owners[name]; ok {
		return instance{}, fmt.Errorf("%q already owned by %s", name, owner.Addr)
	}
	inst := instance{Name: name, Addr: addr}
	r.owners[name] = inst
	return inst, nil
}

// Near-miss: the local's name is set again after the literal, so the key
// registered is not the one looked up.
func (r *roles) ClaimRenamed(name, addr string) error {
	if _, err := r.Lookup(name); err == nil {
		return errTaken
	}
	inst := instance{Name: name, Addr: addr}
	inst.Name = addr
	r.Register(inst)
	return nil
}

// Near-miss: the literal registers another name than the one looked up.
func (r *roles) ClaimAlias(name, alias string) error {
	if _, err := r.Lookup(name); err == nil {
		return errTaken
	}
	r.Register(instance{Name: alias})
	return nil
}

// A memo answering the error it cached, wrapped: racing fills build the
// same entry, and the refusal is not the function's own.
type parsed struct {
	err error
}

type parseCache struct {
	mu      sync.Mutex
	entries map[string]*parsed
}

func (c *parseCache) get(key string) (*parsed, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, ok := c.entries[key]
	return p, ok
}

func (c *parseCache) put(key string, p *parsed) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries[key] = p
}

func (c *parseCache) Parse(key string) error {
	if p, ok := c.get(key); ok {
		return fmt.Errorf("parse %s: %w", key, p.err)
	}
	c.put(key, &parsed{err: parseKey(key)})
	return nil
}

func parseKey(key string) error {
	if key == "" {
		return errNotFound
	}
	return nil
}

// A sign-up through a store interface the package implements once, whose
// Exists answers (bool, error): two sign-ups of one name both see it
// free, and the second account replaces the first.
type user struct {
	Name, Email string
}

type userStore interface {
	Exists(ctx context.Context, name string) (bool, error)
	Create(ctx context.Context, u user) error
}

type memUsers struct {
	mu    sync.Mutex
	users map[string]user
}

func (m *memUsers) Exists(_ context.Context, name string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.users[name]
	return ok, nil
}

func (m *memUsers) Create(_ context.Context, u user) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.users[u.Name] = u
	return nil
}

type signup struct {
	store userStore
}

func (s *signup) Register(ctx context.Context, name, email string) error {
	taken, err := s.store.Exists(ctx, name)
	if err != nil {
		return err
	}
	if taken {
		return errTaken
	}
	return s.store.Create(ctx, user{Name: name, Email: email}) // want `s.store.Create\(ctx, user\{Name: name, Email: email\}\), which makes s.store.users\[user\{…\}.Name\] = … under s.store.mu through Create \(registrations.go:\d+\), after s.store.Exists\(ctx, name\), which reads s.store.users\[name\] under s.store.mu`
}

// Near-miss: an interface the package implements twice; which one runs is
// not known here.
type ledger interface {
	Has(id string) bool
	Add(id string)
}

type memLedger struct {
	mu  sync.Mutex
	ids map[string]struct{}
}

func (l *memLedger) Has(id string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.ids[id]
	return ok
}

func (l *memLedger) Add(id string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.ids[id] = struct{}{}
}

type nopLedger struct{}

func (nopLedger) Has(string) bool { return false }

func (nopLedger) Add(string) {}

func record(l ledger, id string) error {
	if l.Has(id) {
		return errTaken
	}
	l.Add(id)
	return nil
}

// A delivery deduplicated through a seen-set behind an interface: a
// message found seen is dropped, otherwise the card is charged and the
// message marked. The original and a redelivery handled by two workers at
// once both find it unmarked and both charge (the fourth textbook set's
// s18).
type delivery struct {
	ID, Customer string
	Cents        int64
}

type seenStore interface {
	Seen(id string) bool
	Mark(id string)
}

type memSeen struct {
	mu  sync.Mutex
	ids map[string]struct{}
}

func (m *memSeen) Seen(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.ids[id]
	return ok
}

func (m *memSeen) Mark(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.ids[id] = struct{}{}
}

type payments struct {
	seen   seenStore
	charge func(ctx context.Context, customer string, cents int64) error
	log    func(format string, args ...any)
}

func (p *payments) handle(ctx context.Context, d delivery) error {
	if p.seen.Seen(d.ID) {
		return nil
	}
	if err := p.charge(ctx, d.Customer, d.Cents); err != nil {
		return err
	}
	p.seen.Mark(d.ID) // want `p.seen.Mark\(d.ID\), which makes p.seen.ids\[d.ID\] = … under p.seen.mu through Mark \(registrations.go:\d+\), after p.seen.Seen\(d.ID\), which reads p.seen.ids\[d.ID\] under p.seen.mu, on line \d+ runs only when the check found no entry, but is not atomic with it: another goroutine can find d.ID absent in between as well, and both do the work before this assignment marks it done; use a mark made before the work, under one lock with the check, and dropped again if the work fails`
	return nil
}

// The same in a loop that skips seen messages with continue.
func (p *payments) drain(ctx context.Context, ds []delivery) {
	for _, d := range ds {
		if p.seen.Seen(d.ID) {
			continue
		}
		_ = p.charge(ctx, d.Customer, d.Cents)
		p.seen.Mark(d.ID) // want `p.seen.Mark\(d.ID\), which makes p.seen.ids\[d.ID\] = … .* both do the work before this assignment marks it done`
	}
}

// The fix: the mark is made under the lock that checks it, before the
// charge, and dropped if the charge fails.
func (m *memSeen) claim(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.ids[id]; ok {
		return false
	}
	m.ids[id] = struct{}{}
	return true
}

func (m *memSeen) unmark(id string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.ids, id)
}

func handleClaimed(ctx context.Context, m *memSeen, charge func(context.Context, string, int64) error, d delivery) error {
	if !m.claim(d.ID) {
		return nil
	}
	if err := charge(ctx, d.Customer, d.Cents); err != nil {
		m.unmark(d.ID)
		return err
	}
	return nil
}

// Near-miss: only logging between the check and the mark; racing
// goroutines both mark, and nothing is done twice.
func (p *payments) note(d delivery) {
	if p.seen.Seen(d.ID) {
		return
	}
	p.log("first sight of %s", d.ID)
	p.seen.Mark(d.ID)
}

// Near-miss: what is done between is handed the key alone.
func (p *payments) touch(ctx context.Context, d delivery, ping func(string)) {
	if p.seen.Seen(d.ID) {
		return
	}
	ping(d.ID)
	p.seen.Mark(d.ID)
}

// Near-miss: a found message answers what was found, not a skip.
func (p *payments) status(ctx context.Context, d delivery) (bool, error) {
	if p.seen.Seen(d.ID) {
		return p.seen.Seen(d.Customer), nil
	}
	if err := p.charge(ctx, d.Customer, d.Cents); err != nil {
		return false, err
	}
	p.seen.Mark(d.ID)
	return true, nil
}
