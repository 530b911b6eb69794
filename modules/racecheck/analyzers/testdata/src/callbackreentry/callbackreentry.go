package callbackreentry

import "github.com/raceproof/raceproof/modules/safemap"

type server struct {
	counts safemap.Map[string, int]
	other  safemap.Map[string, int]
}

// Positive cases.

func (s *server) incr(k string) {
	s.counts.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		if loaded {
			s.counts.Delete("stale") // want `s.counts.Delete called inside the Compute callback on the same map`
		}
		return old + 1, safemap.UpdateOp
	})
}

func loadOrCompute(m *safemap.Map[string, int], k string) {
	m.LoadOrCompute(k, func() (int, error) {
		m.Store("seen", 1) // want `m.Store called inside the LoadOrCompute callback`
		return 1, nil
	})
}

func update(m *safemap.Map[string, int]) {
	m.Update([]string{"a", "b"}, func(b *safemap.Batch[string, int]) {
		a, _ := b.Load("a")
		b.Store("b", a)
		_ = m.Snapshot() // want `m.Snapshot called inside the Update callback on the same map: .* \(the \*Batch\)`
	})
}

func deferred(m *safemap.Map[string, int], k string) {
	m.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		defer func() {
			m.Delete("other") // want `m.Delete called inside the Compute callback`
		}()
		return old, safemap.CancelOp
	})
}

// Negative cases.

func otherMap(s *server, k string) {
	s.counts.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		n, _ := s.other.Load(k)
		return old + n, safemap.UpdateOp
	})
}

func afterReturn(m *safemap.Map[string, int], k string) {
	v, _ := m.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		return old + 1, safemap.UpdateOp
	})
	m.Store("last", v)
}

func goroutine(m *safemap.Map[string, int], k string) {
	m.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		go func() { m.Store("async", old) }()
		return old, safemap.UpdateOp
	})
}

func storedClosure(m *safemap.Map[string, int], k string) func() {
	var later func()
	m.LoadOrCompute(k, func() (int, error) {
		later = func() { m.Delete(k) }
		return 0, nil
	})
	return later
}

func readsAreAllowed(m *safemap.Map[string, int], k string) {
	m.Compute(k, func(old int, loaded bool) (int, safemap.ComputeOp) {
		n, _ := m.Load("total")
		for range m.Range {
		}
		return old + n + m.Len(), safemap.UpdateOp
	})
}

func rangeMayReenter(m *safemap.Map[string, int]) {
	m.Range(func(k string, v int) bool {
		m.Delete(k)
		return true
	})
}

func batchOnly(m *safemap.Map[string, int]) {
	m.Update([]string{"x"}, func(b *safemap.Batch[string, int]) {
		b.Delete("x")
	})
}
