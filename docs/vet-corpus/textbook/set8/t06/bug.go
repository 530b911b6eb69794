// Package t06 [hard] implements lazily-created per-region storage clients
// for an object-storage proxy.
//
// A generic Lazy[T] caches a value produced by a factory callback. The
// proxy keeps one Lazy[*RegionClient] per region and only creates a client
// (which opens a connection pool and starts a background health-check
// goroutine) on the first request for that region. HTTP handler goroutines
// call Proxy.client(region) concurrently; Shutdown closes every client that
// the Lazy values hold.
//
// BUG: Lazy.Get checks the atomic.Pointer for nil (CHECK) and, if nil,
// invokes the factory and Stores the result (ACT). The check and the store
// are separated by the (slow) factory call and hidden behind the generic
// type and the New callback, so concurrent first requests each build a
// client and each Store it; the last Store wins.
//
// HARM: every losing RegionClient is leaked: its health-check goroutine and
// its TCP connections live forever, and Shutdown never closes them because
// the Lazy only remembers the last one. After a cold start with a burst of
// traffic the proxy holds dozens of orphaned pools per region.
package t06

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Lazy holds a value built on first use by New.
type Lazy[T any] struct {
	New func() T
	p   atomic.Pointer[T]
}

// Get returns the cached value, creating it if necessary.
func (l *Lazy[T]) Get() T {
	if v := l.p.Load(); v != nil { // CHECK
		return *v
	}
	v := l.New()  // slow: dials, starts goroutines
	l.p.Store(&v) // ACT: overwrites a concurrently created value
	return v
}

// Peek returns the value if it was created.
func (l *Lazy[T]) Peek() (T, bool) {
	if v := l.p.Load(); v != nil {
		return *v, true
	}
	var zero T
	return zero, false
}

// RegionClient talks to one storage region.
type RegionClient struct {
	Region string
	HTTP   *http.Client
	stop   chan struct{}
}

func NewRegionClient(region string) *RegionClient {
	c := &RegionClient{
		Region: region,
		HTTP:   &http.Client{Transport: &http.Transport{MaxIdleConns: 64}},
		stop:   make(chan struct{}),
	}
	go c.healthLoop()
	return c
}

func (c *RegionClient) healthLoop() {
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			resp, err := c.HTTP.Get("https://" + c.Region + ".storage.internal/healthz")
			if err == nil {
				resp.Body.Close()
			}
		case <-c.stop:
			return
		}
	}
}

func (c *RegionClient) Close() {
	close(c.stop)
	c.HTTP.CloseIdleConnections()
}

// Proxy routes object requests to regional clients.
type Proxy struct {
	regions map[string]*Lazy[*RegionClient] // fixed at construction
}

func NewProxy(regions []string) *Proxy {
	p := &Proxy{regions: make(map[string]*Lazy[*RegionClient])}
	for _, r := range regions {
		p.regions[r] = &Lazy[*RegionClient]{New: func() *RegionClient { return NewRegionClient(r) }}
	}
	return p
}

func (p *Proxy) client(region string) *RegionClient { return p.regions[region].Get() }

// ServeHTTP handles GET /{region}/{key} on per-request goroutines.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	region := r.URL.Query().Get("region")
	if _, ok := p.regions[region]; !ok {
		http.NotFound(w, r)
		return
	}
	c := p.client(region)
	w.Header().Set("X-Region", c.Region)
	w.WriteHeader(http.StatusNoContent)
}

// Shutdown closes every created client.
func (p *Proxy) Shutdown() {
	for _, l := range p.regions {
		if c, ok := l.Peek(); ok {
			c.Close()
		}
	}
}
