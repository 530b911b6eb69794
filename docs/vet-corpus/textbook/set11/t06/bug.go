// Package t06 is a leader elector in the style of client-go's
// tools/leaderelection: candidates compete for a lease record stored behind a
// ResourceLock, which has two implementations (a Lease object and a
// ConfigMap annotation) backed by a small in-memory API server.
//
// Concurrency: every replica runs Elector.Run on its own goroutine; Run loops
// acquire -> tryAcquireOrRenew, which reads the record through
// ResourceLock.Get, decides via canTakeOver whether the current lease has
// expired, and writes a new record through ResourceLock.Update. The API server
// serialises each Get and each Update with its own mutex.
//
// BUG: the "lease expired, so I may take it" decision (Get + canTakeOver) and
// the write (Update) are separate API calls, and Update is a blind overwrite
// with no resourceVersion precondition. Two candidates that both read the
// expired record both write and both return true.
// check: lock.Get() + canTakeOver(old) -> act: lock.Update(newRecord).
//
// HARM: two replicas run OnStartedLeading at the same time (split brain) until
// the next renew cycle: two controllers reconcile the same objects, double
// scaling, double deletions, conflicting writes.
package t06

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

// Record is the leader election record.
type Record struct {
	Holder        string        `json:"holderIdentity"`
	LeaseDuration time.Duration `json:"leaseDuration"`
	AcquireTime   time.Time     `json:"acquireTime"`
	RenewTime     time.Time     `json:"renewTime"`
	Transitions   int           `json:"leaderTransitions"`
}

var ErrNotFound = errors.New("not found")

// apiServer stores opaque objects by name.
type apiServer struct {
	mu   sync.Mutex
	objs map[string][]byte
}

func newAPIServer() *apiServer { return &apiServer{objs: make(map[string][]byte)} }

func (s *apiServer) get(name string) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.objs[name]
	if !ok {
		return nil, ErrNotFound
	}
	return append([]byte(nil), b...), nil
}

func (s *apiServer) put(name string, b []byte) {
	s.mu.Lock()
	s.objs[name] = append([]byte(nil), b...)
	s.mu.Unlock()
}

// ResourceLock abstracts where the record lives.
type ResourceLock interface {
	Get(ctx context.Context) (*Record, error)
	Update(ctx context.Context, r Record) error
	Identity() string
}

// LeaseLock stores the record as a Lease object.
type LeaseLock struct {
	Name, ID string
	srv      *apiServer
}

func (l *LeaseLock) Identity() string { return l.ID }
func (l *LeaseLock) Get(ctx context.Context) (*Record, error) {
	b, err := l.srv.get("leases/" + l.Name)
	if err != nil {
		return nil, err
	}
	var r Record
	return &r, json.Unmarshal(b, &r)
}
func (l *LeaseLock) Update(ctx context.Context, r Record) error {
	b, err := json.Marshal(r)
	if err == nil {
		l.srv.put("leases/"+l.Name, b)
	}
	return err
}

// ConfigMapLock stores the record in an annotation of a ConfigMap.
type ConfigMapLock struct {
	Name, ID string
	srv      *apiServer
}

func (c *ConfigMapLock) Identity() string { return c.ID }
func (c *ConfigMapLock) Get(ctx context.Context) (*Record, error) {
	b, err := c.srv.get("configmaps/" + c.Name)
	if err != nil {
		return nil, err
	}
	var ann map[string]string
	if err := json.Unmarshal(b, &ann); err != nil {
		return nil, err
	}
	var r Record
	return &r, json.Unmarshal([]byte(ann["control-plane.alpha.kubernetes.io/leader"]), &r)
}
func (c *ConfigMapLock) Update(ctx context.Context, r Record) error {
	rec, _ := json.Marshal(r)
	b, err := json.Marshal(map[string]string{"control-plane.alpha.kubernetes.io/leader": string(rec)})
	if err == nil {
		c.srv.put("configmaps/"+c.Name, b)
	}
	return err
}

// Elector runs one candidate.
type Elector struct {
	Lock             ResourceLock
	LeaseDuration    time.Duration
	RetryPeriod      time.Duration
	OnStartedLeading func(ctx context.Context)
	now              func() time.Time
}

func canTakeOver(old *Record, me string, now time.Time) bool {
	return old == nil || old.Holder == me || old.Holder == "" || now.After(old.RenewTime.Add(old.LeaseDuration))
}

func (e *Elector) tryAcquireOrRenew(ctx context.Context) bool {
	now := e.now()
	old, err := e.Lock.Get(ctx)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return false
	}
	if !canTakeOver(old, e.Lock.Identity(), now) {
		return false
	}
	rec := Record{Holder: e.Lock.Identity(), LeaseDuration: e.LeaseDuration, AcquireTime: now, RenewTime: now}
	if old != nil {
		rec.Transitions = old.Transitions
		if old.Holder == rec.Holder {
			rec.AcquireTime = old.AcquireTime
		} else {
			rec.Transitions++
		}
	}
	return e.Lock.Update(ctx, rec) == nil
}

func (e *Elector) acquire(ctx context.Context) bool {
	t := time.NewTicker(e.RetryPeriod)
	defer t.Stop()
	for {
		if e.tryAcquireOrRenew(ctx) {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-t.C:
		}
	}
}

// Run blocks until ctx is done, leading whenever the lease is held.
func (e *Elector) Run(ctx context.Context) {
	if e.now == nil {
		e.now = time.Now
	}
	if !e.acquire(ctx) {
		return
	}
	lctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go e.OnStartedLeading(lctx)
	for {
		select {
		case <-lctx.Done():
			return
		case <-time.After(e.RetryPeriod):
		}
		if !e.tryAcquireOrRenew(lctx) {
			return // lost the lease: cancel stops OnStartedLeading
		}
	}
}
