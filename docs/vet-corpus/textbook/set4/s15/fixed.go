package s15

// applyFixed only installs cfg if the live config is still the one whose
// version was compared; otherwise it re-reads and compares again.
func (m *Manager) applyFixed(cfg *Config) bool {
	for {
		cur := m.Current()
		if cfg.Version <= cur.Version {
			return false
		}
		if m.cur.CompareAndSwap(cur, cfg) {
			return true
		}
	}
}
