// Package t12 is the client-side load balancer of a service mesh sidecar with
// Envoy-style outlier detection: a backend that fails N consecutive requests
// is ejected from rotation for a while, but never more than MaxEjectPercent
// of the backends may be ejected at once, so a shared failure (a bad deploy
// of a dependency, a network blip) cannot empty the pool.
//
// [hard]
//
// Concurrency: Balancer.Pick and Detector.Report are called from every
// request goroutine; un-ejection runs on time.AfterFunc goroutines. The
// balancer's peer and ejection state is guarded by Balancer.mu; failure
// counters by Detector.mu. The detector talks to the balancer only through
// function-typed fields (shouldEject, eject) wired up by NewDetector, so that
// tests can stub them.
//
// BUG: Report calls d.shouldEject(addr, n), whose closure checks, under
// lb.mu, that ejecting one more backend stays within MaxEjectPercent; the
// lock is released when the closure returns, and Report then calls
// d.eject(addr), a different closure that re-acquires lb.mu and ejects. When
// several backends fail at the same moment, each request goroutine sees the
// same "room for one more ejection" and all of them eject.
//
// HARM: the MaxEjectPercent safety limit is bypassed: during a brief shared
// failure every backend gets ejected at once, Pick returns ErrNoBackends for
// the whole ejection period, and a partial degradation becomes a total outage
// of the calling service.
package t12

import (
	"errors"
	"sync"
	"time"
)

// ErrNoBackends is returned by Pick when every backend is ejected.
var ErrNoBackends = errors.New("lb: no healthy backends")

// Balancer does round-robin over non-ejected backends.
type Balancer struct {
	mu              sync.Mutex
	peers           []string
	ejected         map[string]time.Time
	next            int
	maxEjectPercent int
}

// NewBalancer returns a balancer over peers.
func NewBalancer(peers []string, maxEjectPercent int) *Balancer {
	return &Balancer{peers: peers, ejected: make(map[string]time.Time), maxEjectPercent: maxEjectPercent}
}

// Pick returns the next healthy backend.
func (lb *Balancer) Pick() (string, error) {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	for range lb.peers {
		p := lb.peers[lb.next%len(lb.peers)]
		lb.next++
		if _, out := lb.ejected[p]; !out {
			return p, nil
		}
	}
	return "", ErrNoBackends
}

func (lb *Balancer) uneject(addr string) {
	lb.mu.Lock()
	delete(lb.ejected, addr)
	lb.mu.Unlock()
}

// Detector counts consecutive failures per backend and ejects outliers.
type Detector struct {
	consecutive int
	baseEject   time.Duration

	mu       sync.Mutex
	failures map[string]int

	shouldEject func(addr string, failures int) bool
	eject       func(addr string)
}

// NewDetector wires a detector to lb.
func NewDetector(lb *Balancer, consecutive int, baseEject time.Duration) *Detector {
	d := &Detector{consecutive: consecutive, baseEject: baseEject, failures: make(map[string]int)}
	d.shouldEject = func(addr string, n int) bool {
		if n < d.consecutive {
			return false
		}
		lb.mu.Lock()
		defer lb.mu.Unlock()
		if _, already := lb.ejected[addr]; already {
			return false
		}
		return (len(lb.ejected)+1)*100 <= lb.maxEjectPercent*len(lb.peers)
	}
	d.eject = func(addr string) {
		lb.mu.Lock()
		lb.ejected[addr] = time.Now().Add(d.baseEject)
		lb.mu.Unlock()
		time.AfterFunc(d.baseEject, func() { lb.uneject(addr) })
	}
	return d
}

// Report records the outcome of one request to addr.
func (d *Detector) Report(addr string, err error) {
	d.mu.Lock()
	if err == nil {
		delete(d.failures, addr)
		d.mu.Unlock()
		return
	}
	d.failures[addr]++
	n := d.failures[addr]
	d.mu.Unlock()

	if d.shouldEject(addr, n) {
		d.eject(addr)
		d.mu.Lock()
		delete(d.failures, addr)
		d.mu.Unlock()
	}
}
