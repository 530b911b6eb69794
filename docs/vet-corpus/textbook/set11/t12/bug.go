// Package t12 is the outlier-detection part of a service-mesh sidecar's load
// balancer, in the style of Envoy's consecutive-5xx outlier detector: hosts
// that fail repeatedly are ejected for a while, but never more than
// max_ejection_percent of the cluster.
//
// Concurrency: every proxied request runs on its own goroutine; it calls
// Detector.Pick to choose an upstream and Detector.Report with the response
// status. HostSet embeds sync.Mutex and every field of every Host is read and
// written with that mutex held (EjectedCount, Size, eject, Pick all lock).
//
// BUG: Report decides a host has tripped, then asks EjectedCount() and Size()
// whether one more ejection stays within maxEjectionPercent, and then calls
// eject(h) - three separate critical sections. When an upstream blip makes
// several hosts trip at once, each request goroutine sees the same pre-blip
// ejected count.
// check: (d.EjectedCount()+1)*100 <= d.maxEjectionPercent*d.Size() -> act: d.eject(h, ...).
//
// HARM: more hosts are ejected than max_ejection_percent allows, up to the whole
// cluster; Pick then finds no healthy host and every request fails with
// "no healthy upstream" for the full ejection time: a brief blip becomes a
// total outage, which is exactly what the percentage cap exists to prevent.
package t12

import (
	"errors"
	"sync"
	"time"
)

var ErrNoHealthyUpstream = errors.New("no healthy upstream")

// Host is one upstream endpoint.
type Host struct {
	Addr           string
	consecutive5xx int
	ejected        bool
	ejectedUntil   time.Time
	ejections      int
}

// HostSet is a cluster's membership.
type HostSet struct {
	sync.Mutex
	hosts []*Host
	next  int
}

func (hs *HostSet) Size() int {
	hs.Lock()
	defer hs.Unlock()
	return len(hs.hosts)
}

func (hs *HostSet) EjectedCount() int {
	hs.Lock()
	defer hs.Unlock()
	n := 0
	for _, h := range hs.hosts {
		if h.ejected {
			n++
		}
	}
	return n
}

func (hs *HostSet) eject(h *Host, base time.Duration, now time.Time) {
	hs.Lock()
	defer hs.Unlock()
	if h.ejected {
		return
	}
	h.ejections++
	h.ejected = true
	h.ejectedUntil = now.Add(time.Duration(h.ejections) * base)
	h.consecutive5xx = 0
}

// Detector adds outlier detection to a HostSet.
type Detector struct {
	*HostSet
	consecutiveLimit   int
	baseEjectionTime   time.Duration
	maxEjectionPercent int
	now                func() time.Time
}

func NewDetector(addrs []string, limit, maxPercent int, base time.Duration) *Detector {
	hs := &HostSet{}
	for _, a := range addrs {
		hs.hosts = append(hs.hosts, &Host{Addr: a})
	}
	return &Detector{HostSet: hs, consecutiveLimit: limit, baseEjectionTime: base, maxEjectionPercent: maxPercent, now: time.Now}
}

// Pick returns the next non-ejected host, un-ejecting hosts whose time is up.
func (d *Detector) Pick() (*Host, error) {
	now := d.now()
	d.Lock()
	defer d.Unlock()
	for i := 0; i < len(d.hosts); i++ {
		h := d.hosts[(d.next+i)%len(d.hosts)]
		if h.ejected && now.After(h.ejectedUntil) {
			h.ejected = false
		}
		if !h.ejected {
			d.next = (d.next + i + 1) % len(d.hosts)
			return h, nil
		}
	}
	return nil, ErrNoHealthyUpstream
}

// Report records the outcome of a request to h.
func (d *Detector) Report(h *Host, status int) {
	d.Lock()
	if status >= 500 {
		h.consecutive5xx++
	} else {
		h.consecutive5xx = 0
	}
	tripped := !h.ejected && h.consecutive5xx >= d.consecutiveLimit
	d.Unlock()
	if !tripped {
		return
	}
	if (d.EjectedCount()+1)*100 > d.maxEjectionPercent*d.Size() {
		return
	}
	d.eject(h, d.baseEjectionTime, d.now())
}
