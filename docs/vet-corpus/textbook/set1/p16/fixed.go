package p16

import "sync/atomic"

// HolderFixed is safe for concurrent use.
type HolderFixed struct {
	cur atomic.Pointer[Config]
}

// ApplyFixed installs c if it is newer, using compare-and-swap so the
// pointer compared is the pointer replaced.
func (h *HolderFixed) ApplyFixed(c *Config) bool {
	for {
		old := h.cur.Load()
		if old != nil && old.Version >= c.Version {
			return false
		}
		if h.cur.CompareAndSwap(old, c) {
			return true
		}
	}
}
