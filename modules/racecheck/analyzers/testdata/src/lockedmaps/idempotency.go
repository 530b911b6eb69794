package lockedmaps

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
)

// An idempotency key's record saved after the work it records: a retry
// that arrives while the first request is still charging finds no record,
// and charges the card again (textbook set 2, q17; set 6, t17).

type chargeRecord struct {
	id     string
	amount int64
}

type idemStore struct {
	mu sync.Mutex
	m  map[string]chargeRecord
}

func (s *idemStore) lookup(key string) (chargeRecord, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.m[key]
	return r, ok
}

func (s *idemStore) save(key string, r chargeRecord) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[key] = r
}

type chargeRequest struct {
	Card   string
	Amount int64
}

type payments struct {
	store  *idemStore
	charge func(ctx context.Context, card string, amount int64) (string, error)
}

func (p *payments) Charge(ctx context.Context, key string, body []byte) (chargeRecord, error) {
	if prev, ok := p.store.lookup(key); ok {
		return prev, nil // a replay of the first answer
	}
	var req chargeRequest
	if err := json.Unmarshal(body, &req); err != nil {
		return chargeRecord{}, err
	}
	id, err := p.charge(ctx, req.Card, req.Amount)
	if err != nil {
		return chargeRecord{}, err
	}
	rec := chargeRecord{id: id, amount: req.Amount}
	p.store.save(key, rec) // want `p.store.save\(key, rec\), which makes p.store.m\[key\] = … under p.store.mu through save \(idempotency.go:[0-9]+\), after p.store.lookup\(key\), which reads p.store.m\[key\] under p.store.mu, on line [0-9]+ runs only when the check found no entry, but is not atomic with it: another goroutine can find key absent in between as well, and both do the work before this`
	return rec, nil
}

// Near-miss: a loader handed the key fills a cache; two fills of one key
// compute the same record.
type recordCache struct {
	store *idemStore
	load  func(ctx context.Context, key string, opts string) (chargeRecord, error)
}

func (c *recordCache) Get(ctx context.Context, key string) (chargeRecord, error) {
	if rec, ok := c.store.lookup(key); ok {
		return rec, nil
	}
	rec, err := c.load(ctx, strings.ToLower(key), "full")
	if err != nil {
		return chargeRecord{}, err
	}
	c.store.save(key, rec)
	return rec, nil
}

// Near-miss: the key is computed from a parameter, and the lookup is
// handed that parameter: a cache of what the key's input looks up
// (apache/pulsar-client-go's schema cache, which the first version of
// this rule reported).
func (c *recordCache) ByVersion(ctx context.Context, version []byte) (chargeRecord, error) {
	key := string(version)
	if rec, ok := c.store.lookup(key); ok {
		return rec, nil
	}
	raw, err := c.load(ctx, "schema", string(version))
	if err != nil {
		return chargeRecord{}, err
	}
	rec := chargeRecord{id: raw.id}
	c.store.save(key, rec)
	return rec, nil
}

// Near-miss: where the key is found the function only returns; what runs
// before the save computes the value saved (apache/yunikorn-core's group
// tracker for an application, which the first version reported).
func (c *recordCache) Ensure(ctx context.Context, key, tenant string) {
	if _, ok := c.store.lookup(key); ok {
		return
	}
	rec, err := c.load(ctx, tenant, "group")
	if err != nil {
		return
	}
	c.store.save(key, rec)
}

type paymentRequest struct {
	idemKey string
	card    string
	amount  int64
}

func (r *paymentRequest) Key() string { return r.idemKey }

// Near-miss: the record answered after the insert rather than returned
// early is a cache fill's shape too (heroiclabs/nakama's satori
// properties, fetched on a miss; the seventh textbook set's t15 has it
// and stays missed).
func (p *payments) Serve(ctx context.Context, req *paymentRequest) chargeRecord {
	key := req.Key()
	rec, seen := p.store.lookup(key)
	if !seen {
		id, _ := p.charge(ctx, req.card, req.amount)
		rec = chargeRecord{id: id, amount: req.amount}
		p.store.save(key, rec)
	}
	return rec
}

// The key read from the request through a method: the request is no
// input of the key, and the charge handed it is work.
func (p *payments) ServeReplay(ctx context.Context, req *paymentRequest) (chargeRecord, error) {
	key := req.Key()
	if rec, seen := p.store.lookup(key); seen {
		return rec, nil
	}
	id, err := p.charge(ctx, req.card, req.amount)
	if err != nil {
		return chargeRecord{}, err
	}
	rec := chargeRecord{id: id, amount: req.amount}
	p.store.save(key, rec) // want `p.store.save\(key, rec\), which makes p.store.m\[key\] = … under p.store.mu through save \(idempotency.go:[0-9]+\), after p.store.lookup\(key\), which reads p.store.m\[key\] under p.store.mu, on line [0-9]+ runs only when the check found no entry`
	return rec, nil
}

// Near-miss: the key is a function of the name, and the loader is handed
// the name: a cache of what the name looks up.
func (c *recordCache) ByName(ctx context.Context, name string) chargeRecord {
	key := strings.ToLower(name)
	rec, ok := c.store.lookup(key)
	if !ok {
		rec, _ = c.load(ctx, name, "by-name")
		c.store.save(key, rec)
	}
	return rec
}

// The work done by the next handler of a middleware, through the standard
// library's http.Handler interface: its ServeHTTP runs the caller's code
// (textbook set 9, t20).
type idemMiddleware struct {
	mu   sync.Mutex
	done map[string]int
}

func (m *idemMiddleware) lookup(key string) (int, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.done[key]
	return s, ok
}

func (m *idemMiddleware) save(key string, status int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done[key] = status
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (m *idemMiddleware) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := r.Header.Get("Idempotency-Key")
		if status, ok := m.lookup(key); ok {
			w.WriteHeader(status)
			return
		}
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		m.save(key, rec.status) // want `m.save\(key, rec.status\), which makes m.done\[key\] = … under m.mu through save \(idempotency.go:\d+\), after m.lookup\(key\), which reads m.done\[key\] under m.mu, on line \d+ runs only when the check found no entry`
	})
}

// Near-miss: a concrete function of the standard library between them is
// no work recorded (a status text looked up).
func (m *idemMiddleware) Remember(w http.ResponseWriter, key string, status int) {
	if s, ok := m.lookup(key); ok {
		w.WriteHeader(s)
		return
	}
	w.Header().Set("X-Status", http.StatusText(status))
	m.save(key, status)
}
