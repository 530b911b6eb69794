// Fixed version of the t06 leader elector: the API server keeps a
// resourceVersion per object and updateIf applies a write only if the version
// is still the one the candidate read (optimistic concurrency, as the real API
// server does). ResourceLockFixed.Get returns that version and Update sends it
// back, so when two candidates both see an expired lease only the first write
// succeeds; the second gets ErrConflict and stays a follower.
package t06

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"time"
)

var ErrConflict = errors.New("conflict: object has been modified")

type versioned struct {
	data []byte
	rv   uint64
}

type apiServerFixed struct {
	mu   sync.Mutex
	objs map[string]versioned
}

func newAPIServerFixed() *apiServerFixed { return &apiServerFixed{objs: make(map[string]versioned)} }

func (s *apiServerFixed) get(name string) ([]byte, uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, ok := s.objs[name]
	if !ok {
		return nil, 0, ErrNotFound
	}
	return append([]byte(nil), v.data...), v.rv, nil
}

// updateIf writes only if the stored version equals rv (0 = must not exist).
func (s *apiServerFixed) updateIf(name string, b []byte, rv uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.objs[name].rv != rv {
		return ErrConflict
	}
	s.objs[name] = versioned{data: append([]byte(nil), b...), rv: rv + 1}
	return nil
}

type ResourceLockFixed interface {
	Get(ctx context.Context) (*Record, uint64, error)
	Update(ctx context.Context, r Record, rv uint64) error
	Identity() string
}

type LeaseLockFixed struct {
	Name, ID string
	srv      *apiServerFixed
}

func (l *LeaseLockFixed) Identity() string { return l.ID }
func (l *LeaseLockFixed) Get(ctx context.Context) (*Record, uint64, error) {
	b, rv, err := l.srv.get("leases/" + l.Name)
	if err != nil {
		return nil, 0, err
	}
	var r Record
	return &r, rv, json.Unmarshal(b, &r)
}
func (l *LeaseLockFixed) Update(ctx context.Context, r Record, rv uint64) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return l.srv.updateIf("leases/"+l.Name, b, rv)
}

type ConfigMapLockFixed struct {
	Name, ID string
	srv      *apiServerFixed
}

func (c *ConfigMapLockFixed) Identity() string { return c.ID }
func (c *ConfigMapLockFixed) Get(ctx context.Context) (*Record, uint64, error) {
	b, rv, err := c.srv.get("configmaps/" + c.Name)
	if err != nil {
		return nil, 0, err
	}
	var ann map[string]string
	if err := json.Unmarshal(b, &ann); err != nil {
		return nil, 0, err
	}
	var r Record
	return &r, rv, json.Unmarshal([]byte(ann["control-plane.alpha.kubernetes.io/leader"]), &r)
}
func (c *ConfigMapLockFixed) Update(ctx context.Context, r Record, rv uint64) error {
	rec, _ := json.Marshal(r)
	b, err := json.Marshal(map[string]string{"control-plane.alpha.kubernetes.io/leader": string(rec)})
	if err != nil {
		return err
	}
	return c.srv.updateIf("configmaps/"+c.Name, b, rv)
}

type ElectorFixed struct {
	Lock             ResourceLockFixed
	LeaseDuration    time.Duration
	RetryPeriod      time.Duration
	OnStartedLeading func(ctx context.Context)
	now              func() time.Time
}

func (e *ElectorFixed) tryAcquireOrRenewFixed(ctx context.Context) bool {
	now := e.now()
	old, rv, err := e.Lock.Get(ctx)
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
	return e.Lock.Update(ctx, rec, rv) == nil
}

func (e *ElectorFixed) Run(ctx context.Context) {
	if e.now == nil {
		e.now = time.Now
	}
	for !e.tryAcquireOrRenewFixed(ctx) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(e.RetryPeriod):
		}
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
		if !e.tryAcquireOrRenewFixed(lctx) {
			return
		}
	}
}
