// Fix: the copy-on-write update is a CompareAndSwap loop on the pointer: the
// new snapshot is published only if the pointer is still the one fn's input
// was read from; otherwise fn is re-run on the newer snapshot, so no
// concurrent subscribe/unsubscribe is lost.

package t17

func (c *cow[T]) updateFixed(fn func([]T) []T) {
	for {
		old := c.p.Load()
		var cur []T
		if old != nil {
			cur = *old
		}
		next := fn(cur)
		if c.p.CompareAndSwap(old, &next) {
			return
		}
	}
}

// SubscribeFixed adds s to the topic.
func (t *Topic) SubscribeFixed(s *Subscriber) {
	t.subs.updateFixed(func(cur []*Subscriber) []*Subscriber {
		next := make([]*Subscriber, 0, len(cur)+1)
		next = append(next, cur...)
		return append(next, s)
	})
}

// UnsubscribeFixed removes the subscriber with the given ID.
func (t *Topic) UnsubscribeFixed(id string) {
	t.subs.updateFixed(func(cur []*Subscriber) []*Subscriber {
		next := make([]*Subscriber, 0, len(cur))
		for _, s := range cur {
			if s.ID != id {
				next = append(next, s)
			}
		}
		return next
	})
}
