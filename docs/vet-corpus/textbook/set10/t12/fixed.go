package t12

// Fix: the two hooks are replaced by one, tryEject, that performs the
// percentage check and the ejection under a single hold of lb.mu (via
// Balancer.ejectIfAllowed). Whichever goroutine gets the lock first consumes
// the last ejection slot; the others re-check against the updated ejected
// map and are refused, so MaxEjectPercent holds under any interleaving.

import (
	"sync"
	"time"
)

// ejectIfAllowed ejects addr until now+d if that keeps the ejected share
// within maxEjectPercent. Check and act happen under one lock.
func (lb *Balancer) ejectIfAllowed(addr string, d time.Duration) bool {
	lb.mu.Lock()
	defer lb.mu.Unlock()
	if _, already := lb.ejected[addr]; already {
		return false
	}
	if (len(lb.ejected)+1)*100 > lb.maxEjectPercent*len(lb.peers) {
		return false
	}
	lb.ejected[addr] = time.Now().Add(d)
	return true
}

// DetectorFixed is Detector with an atomic check-and-eject hook.
type DetectorFixed struct {
	consecutive int
	baseEject   time.Duration

	mu       sync.Mutex
	failures map[string]int

	tryEject func(addr string) bool
}

// NewDetectorFixed wires a detector to lb.
func NewDetectorFixed(lb *Balancer, consecutive int, baseEject time.Duration) *DetectorFixed {
	d := &DetectorFixed{consecutive: consecutive, baseEject: baseEject, failures: make(map[string]int)}
	d.tryEject = func(addr string) bool {
		if !lb.ejectIfAllowed(addr, d.baseEject) {
			return false
		}
		time.AfterFunc(d.baseEject, func() { lb.uneject(addr) })
		return true
	}
	return d
}

// Report records the outcome of one request to addr.
func (d *DetectorFixed) Report(addr string, err error) {
	d.mu.Lock()
	if err == nil {
		delete(d.failures, addr)
		d.mu.Unlock()
		return
	}
	d.failures[addr]++
	n := d.failures[addr]
	d.mu.Unlock()

	if n >= d.consecutive && d.tryEject(addr) {
		d.mu.Lock()
		delete(d.failures, addr)
		d.mu.Unlock()
	}
}
