// Package t17 [hard] implements per-tenant webhook dispatchers for a SaaS
// notification service. Each tenant gets one Dispatcher: a goroutine that
// drains the tenant's queue and POSTs to the tenant's endpoint, paced by a
// ticker so the endpoint never receives more than RatePerSec requests (a
// contractual limit; many tenants run small servers).
//
// Dispatchers are created lazily through a generic Registry[K,V] and the
// generic helper GetOrCreate, which takes a constructor callback.
//
// Concurrency: Notify is called from many request and event-consumer
// goroutines; the first events for a new tenant typically arrive in a burst.
//
// BUG: GetOrCreate checks the registry with Lookup (CHECK: no dispatcher for
// this tenant) and, after the lock is released, runs the constructor
// callback and Stores the result (ACT). The check is in one generic
// method, the construction in a closure passed in by the caller, and the
// insert in another method, so concurrent first Notify calls each start a
// dispatcher goroutine and each Store overwrites the previous one.
//
// HARM: the overwritten dispatchers are never stopped: their goroutines
// leak and keep draining the same shared tenant queue, so the tenant's
// endpoint receives k x RatePerSec requests (rate limit exceeded, tenant
// servers knocked over), and Stop/Shutdown only stops the last one.
package t17

import (
	"bytes"
	"net/http"
	"sync"
	"time"
)

// Registry is a small concurrent map.
type Registry[K comparable, V any] struct {
	mu sync.Mutex
	m  map[K]V
}

func (r *Registry[K, V]) Lookup(k K) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[k]
	return v, ok
}

func (r *Registry[K, V]) Store(k K, v V) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = make(map[K]V)
	}
	r.m[k] = v
}

// Remove deletes k and returns the value it held.
func (r *Registry[K, V]) Remove(k K) (V, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	v, ok := r.m[k]
	delete(r.m, k)
	return v, ok
}

// GetOrCreate returns the value for k, creating it with mk when absent.
func GetOrCreate[K comparable, V any](r *Registry[K, V], k K, mk func(K) V) V {
	if v, ok := r.Lookup(k); ok { // CHECK
		return v
	}
	v := mk(k)    // side effects: starts a goroutine
	r.Store(k, v) // ACT: may overwrite a concurrently created value
	return v
}

// Dispatcher delivers one tenant's webhooks.
type Dispatcher struct {
	Tenant string
	stop   chan struct{}
}

// Service owns all dispatchers.
type Service struct {
	RatePerSec int
	Endpoint   func(tenant string) string
	Queue      func(tenant string) <-chan []byte // shared per-tenant queue
	client     http.Client
	disp       Registry[string, *Dispatcher]
}

func (s *Service) start(tenant string) *Dispatcher {
	d := &Dispatcher{Tenant: tenant, stop: make(chan struct{})}
	go func() {
		pace := time.NewTicker(time.Second / time.Duration(s.RatePerSec))
		defer pace.Stop()
		q := s.Queue(tenant)
		for {
			select {
			case <-d.stop:
				return
			case <-pace.C:
				select {
				case body := <-q:
					resp, err := s.client.Post(s.Endpoint(tenant), "application/json", bytes.NewReader(body))
					if err == nil {
						resp.Body.Close()
					}
				default:
				}
			}
		}
	}()
	return d
}

// Notify ensures the tenant's dispatcher is running.
func (s *Service) Notify(tenant string) {
	GetOrCreate(&s.disp, tenant, s.start)
}

// Stop stops the tenant's dispatcher.
func (s *Service) Stop(tenant string) {
	if d, ok := s.disp.Remove(tenant); ok {
		close(d.stop)
	}
}
