// Fixed version of the t12 outlier detector: ReportFixed makes the trip
// decision, the max-ejection-percent budget check and the ejection in one
// critical section of the embedded mutex (tryEjectLocked), so concurrent trips
// are serialised and each one sees the ejections made before it; the cap can
// never be exceeded.
package t12

import "time"

type DetectorFixed struct {
	*HostSet
	consecutiveLimit   int
	baseEjectionTime   time.Duration
	maxEjectionPercent int
	now                func() time.Time
}

func NewDetectorFixed(addrs []string, limit, maxPercent int, base time.Duration) *DetectorFixed {
	hs := &HostSet{}
	for _, a := range addrs {
		hs.hosts = append(hs.hosts, &Host{Addr: a})
	}
	return &DetectorFixed{HostSet: hs, consecutiveLimit: limit, baseEjectionTime: base, maxEjectionPercent: maxPercent, now: time.Now}
}

func (d *DetectorFixed) Pick() (*Host, error) {
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

// tryEjectLocked must be called with d's mutex held.
func (d *DetectorFixed) tryEjectLocked(h *Host, now time.Time) bool {
	ejected := 0
	for _, x := range d.hosts {
		if x.ejected {
			ejected++
		}
	}
	if (ejected+1)*100 > d.maxEjectionPercent*len(d.hosts) {
		return false
	}
	h.ejections++
	h.ejected = true
	h.ejectedUntil = now.Add(time.Duration(h.ejections) * d.baseEjectionTime)
	h.consecutive5xx = 0
	return true
}

func (d *DetectorFixed) ReportFixed(h *Host, status int) {
	now := d.now()
	d.Lock()
	defer d.Unlock()
	if status >= 500 {
		h.consecutive5xx++
	} else {
		h.consecutive5xx = 0
	}
	if !h.ejected && h.consecutive5xx >= d.consecutiveLimit {
		d.tryEjectLocked(h, now)
	}
}
