package safemap

// ComputeOp tells Compute what to do with the value its callback returns.
type ComputeOp int

const (
	// CancelOp leaves the entry as it was.
	CancelOp ComputeOp = iota
	// UpdateOp stores the returned value, inserting the key if absent.
	UpdateOp
	// DeleteOp deletes the key if present.
	DeleteOp
)

// Compute atomically reads, modifies and writes the entry for key. f is
// called exactly once with the current value and whether the key is present
// (old is the zero value if not); its op decides the outcome: UpdateOp
// stores newValue, DeleteOp deletes the key, CancelOp changes nothing.
// Compute returns the value now stored for key and whether the key is now
// present.
//
// f runs while the bucket of key is locked: no other writer of that bucket
// proceeds until it returns, and it must not call write methods, Snapshot,
// Clear or Update of m. If f panics, the panic propagates and m is
// unchanged.
func (m *Map[K, V]) Compute(key K, f func(old V, loaded bool) (newValue V, op ComputeOp)) (actual V, ok bool) {
	t, root, ri, h := m.lock(key)
	var r resizeHint
	defer func() {
		root.mu.Unlock()
		m.afterWrite(t, r)
	}()
	ref, e := t.findLocked(root, h, key)
	var old V
	if e != nil {
		old = e.value
	}
	nv, op := f(old, e != nil)
	switch op {
	case UpdateOp:
		if e == nil {
			r.grow = t.insertLocked(root, ri, ref, h, &entry[K, V]{key: key, value: nv})
		} else {
			t.overwriteLocked(ref, e, nil, key, nv)
		}
		return nv, true
	case DeleteOp:
		if e != nil {
			r.emptied, r.emptiedRoot = t.deleteLocked(root, ri, ref), ri
		}
		return actual, false
	default:
		return old, e != nil
	}
}

// LoadOrCompute returns the existing value for key if present. Otherwise it
// calls f and, if f returns a nil error, stores and returns its value. The
// loaded result is true if the value was loaded. If f returns an error,
// nothing is stored and the error is returned.
//
// However many goroutines call LoadOrCompute for the same absent key at the
// same time, f is called at most once until it succeeds: the others wait
// for it and then load its value (or, if it failed, one of them calls its
// own f). f runs while the bucket of key is locked; it must not call write
// methods, Snapshot, Clear or Update of m. If f panics, the panic propagates
// and m is unchanged.
func (m *Map[K, V]) LoadOrCompute(key K, f func() (V, error)) (actual V, loaded bool, err error) {
	t, h := m.hashOf(key)
	if e := m.lookup(t, h, key); e != nil {
		return e.load(t.vkind), true, nil
	}
	t, root, ri := m.lockRoot(t, h)
	grow := false
	defer func() {
		root.mu.Unlock()
		if grow {
			m.resize(t)
		}
	}()
	ref, e := t.findLocked(root, h, key)
	if e != nil {
		return e.value, true, nil
	}
	v, err := f()
	if err != nil {
		return actual, false, err
	}
	grow = t.insertLocked(root, ri, ref, h, &entry[K, V]{key: key, value: v})
	return v, false, nil
}
