package safemap

// Stats describes the shape of a Map's table, for tests and monitoring.
type Stats struct {
	// Entries is the number of entries found in the table.
	Entries int
	// Buckets is the number of root buckets (a power of two).
	Buckets int
	// OverflowBuckets is the number of buckets chained behind full roots.
	OverflowBuckets int
	// Capacity is the number of entry slots, overflow buckets included.
	Capacity int
	// LongestChain is the largest number of entries whose keys hash to one
	// root bucket. A good hash keeps it small (about 15 at 1M entries);
	// a large value means keys collide.
	LongestChain int
	// Growths and Shrinks count the table resizes since the Map was made.
	Growths, Shrinks uint64
}

// Stats walks the table without locks and returns its shape. Under
// concurrent writes the counts are approximate. It is O(N).
func (m *Map[K, V]) Stats() Stats {
	s := Stats{Growths: m.growths.Load(), Shrinks: m.shrinks.Load()}
	t := m.table.Load()
	if t == nil {
		return s
	}
	s.Buckets = len(t.buckets)
	for i := range t.buckets {
		chain := 0
		for b := &t.buckets[i]; b != nil; b = b.next.Load() {
			if b != &t.buckets[i] {
				s.OverflowBuckets++
			}
			s.Capacity += slotsPerBucket
			for j := range b.slots {
				if b.slots[j].Load() != nil {
					chain++
				}
			}
		}
		s.Entries += chain
		s.LongestChain = max(s.LongestChain, chain)
	}
	return s
}
