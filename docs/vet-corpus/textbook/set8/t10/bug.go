// Package t10 implements the backend pool of an internal L7 load balancer.
// Backends are kept in an ordered slice (order matters for the
// round-robin cursor and for the admin listing).
//
// Concurrency: request goroutines call Next; one health-checker
// goroutine per backend calls Remove when its backend fails checks; the
// admin HTTP API calls Remove/Add when operators drain or add hosts. Several
// Removes can therefore run at the same time.
//
// BUG: Remove finds the backend's index under the read lock (indexOf,
// CHECK) and then, after the read lock is released, deletes the element at
// that index under the write lock (removeAt, ACT). If another Remove (or
// Add) shifts the slice in between, the stored index now points at a
// different backend.
//
// HARM: a healthy backend is silently taken out of rotation while the dead
// one stays in, so a fraction of user requests keep going to a dead host
// (502s); when the removed element was the last one, removeAt panics with
// index out of range inside the health checker and kills the balancer.
package t10

import (
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"
)

// Backend is one upstream host.
type Backend struct {
	Addr string
}

// Pool is the ordered backend list.
type Pool struct {
	mu       sync.RWMutex
	backends []*Backend
	next     int
}

var ErrNoBackend = errors.New("no backend")

// Next returns the next backend in round-robin order.
func (p *Pool) Next() (*Backend, error) {
	p.mu.Lock() // cursor update needs the write lock
	defer p.mu.Unlock()
	if len(p.backends) == 0 {
		return nil, ErrNoBackend
	}
	p.next = (p.next + 1) % len(p.backends)
	return p.backends[p.next], nil
}

// Add appends a backend.
func (p *Pool) Add(b *Backend) {
	p.mu.Lock()
	p.backends = append(p.backends, b)
	p.mu.Unlock()
}

func (p *Pool) indexOf(addr string) int {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return slices.IndexFunc(p.backends, func(b *Backend) bool { return b.Addr == addr })
}

func (p *Pool) removeAt(i int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.backends = slices.Delete(p.backends, i, i+1)
}

// Remove takes addr out of rotation.
func (p *Pool) Remove(addr string) bool {
	i := p.indexOf(addr) // CHECK: where is it?
	if i < 0 {
		return false
	}
	// Another Remove/Add may shift the slice here.
	p.removeAt(i) // ACT: delete whatever is at i now
	return true
}

// HealthCheck runs in its own goroutine per backend.
func (p *Pool) HealthCheck(b *Backend, client *http.Client, stop <-chan struct{}) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	fails := 0
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			resp, err := client.Get("http://" + b.Addr + "/healthz")
			if err == nil {
				resp.Body.Close()
			}
			if err != nil || resp.StatusCode != http.StatusOK {
				fails++
			} else {
				fails = 0
			}
			if fails >= 3 {
				p.Remove(b.Addr)
				return
			}
		}
	}
}

// AdminDrain is the DELETE /backends?addr=... handler.
func (p *Pool) AdminDrain(w http.ResponseWriter, r *http.Request) {
	if !p.Remove(r.URL.Query().Get("addr")) {
		http.NotFound(w, r)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
