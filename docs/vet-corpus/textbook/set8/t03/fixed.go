package t03

// FIX: reserve the slot with a compare-and-swap loop, so the value that was
// compared against the limit is exactly the value that gets incremented. If
// another consumer changed the counter in between, the CAS fails and the
// check is redone against the fresh value.

// TryStartFixed reserves an encoder slot if one is free.
func (l *Limiter) TryStartFixed() bool {
	for {
		cur := l.inFlight.Load()
		if cur >= l.MaxInFlight {
			l.rejected.Add(1)
			return false
		}
		if l.inFlight.CompareAndSwap(cur, cur+1) {
			return true
		}
	}
}
