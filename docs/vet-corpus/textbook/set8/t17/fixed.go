package t17

// FIX: the registry performs lookup, construction and insert under one
// lock (GetOrCreateFixed), re-checking for presence inside the critical
// section. The constructor only starts a goroutine, so running it under the
// lock is cheap; exactly one dispatcher is ever created per tenant.

// GetOrCreateFixed returns the value for k, creating it with mk at most once.
func (r *Registry[K, V]) GetOrCreateFixed(k K, mk func(K) V) V {
	r.mu.Lock()
	defer r.mu.Unlock()
	if v, ok := r.m[k]; ok {
		return v
	}
	if r.m == nil {
		r.m = make(map[K]V)
	}
	v := mk(k)
	r.m[k] = v
	return v
}

// NotifyFixed ensures exactly one dispatcher runs for the tenant.
func (s *Service) NotifyFixed(tenant string) {
	s.disp.GetOrCreateFixed(tenant, s.start)
}
