package safemap

// SyncMap is a drop-in replacement for sync.Map: the same methods with the
// same signatures and semantics, backed by a Map[any, any]. Replacing
// sync.Map by safemap.SyncMap in a program compiles and behaves the same,
// including the panics on unhashable keys and on CompareAndSwap and
// CompareAndDelete with values of a non-comparable type.
//
// The zero SyncMap is empty and ready for use. A SyncMap must not be copied
// after first use.
//
// Unlike sync.Map, SyncMap is fast under any mix of reads and writes, not
// only for append-mostly or disjoint-key workloads. Load does not allocate
// for keys already boxed in an interface.
//
// In the terminology of [the Go memory model], SyncMap arranges that a write
// operation “synchronizes before” any read operation that observes the
// effect of the write, where read and write operations are defined as
// follows. Load, LoadAndDelete, LoadOrStore, Swap, CompareAndSwap, and
// CompareAndDelete are read operations; Delete, LoadAndDelete, Store, Swap
// and Clear are write operations; LoadOrStore is a write operation when it
// returns loaded set to false; CompareAndSwap is a write operation when it
// returns swapped set to true; and CompareAndDelete is a write operation
// when it returns deleted set to true.
//
// [the Go memory model]: https://go.dev/ref/mem
type SyncMap struct {
	m Map[any, any]
}

// Load returns the value stored in the map for a key, or nil if no value is
// present. The ok result indicates whether value was found in the map.
func (m *SyncMap) Load(key any) (value any, ok bool) {
	if m.m.table.Load() == nil {
		// sync.Map hashes the key even when empty, so an unhashable key
		// panics on the first Load too.
		m.m.tab()
	}
	return m.m.Load(key)
}

// Store sets the value for a key.
func (m *SyncMap) Store(key, value any) {
	m.m.Store(key, value)
}

// Clear deletes all the entries, resulting in an empty Map.
func (m *SyncMap) Clear() {
	m.m.Clear()
}

// LoadOrStore returns the existing value for the key if present. Otherwise,
// it stores and returns the given value. The loaded result is true if the
// value was loaded, false if stored.
func (m *SyncMap) LoadOrStore(key, value any) (actual any, loaded bool) {
	return m.m.LoadOrStore(key, value)
}

// LoadAndDelete deletes the value for a key, returning the previous value if
// any. The loaded result reports whether the key was present.
func (m *SyncMap) LoadAndDelete(key any) (value any, loaded bool) {
	return m.m.LoadAndDelete(key)
}

// Delete deletes the value for a key.
func (m *SyncMap) Delete(key any) {
	m.m.Delete(key)
}

// Swap swaps the value for a key and returns the previous value if any. The
// loaded result reports whether the key was present.
func (m *SyncMap) Swap(key, value any) (previous any, loaded bool) {
	return m.m.Swap(key, value)
}

// CompareAndSwap swaps the old and new values for key if the value stored in
// the map is equal to old. The old value must be of a comparable type.
func (m *SyncMap) CompareAndSwap(key, old, new any) (swapped bool) {
	return m.m.CompareAndSwap(key, old, new)
}

// CompareAndDelete deletes the entry for key if its value is equal to old.
// The old value must be of a comparable type.
//
// If there is no current value for key in the map, CompareAndDelete returns
// false (even if the old value is the nil interface value).
func (m *SyncMap) CompareAndDelete(key, old any) (deleted bool) {
	return m.m.CompareAndDelete(key, old)
}

// Range calls f sequentially for each key and value present in the map. If
// f returns false, range stops the iteration.
//
// Range does not necessarily correspond to any consistent snapshot of the
// Map's contents: no key will be visited more than once, but if the value
// for any key is stored or deleted concurrently (including by f), Range may
// reflect any mapping for that key from any point during the Range call.
// Range does not block other methods on the receiver; even f itself may
// call any method on m.
//
// Range may be O(N) with the number of elements in the map even if f
// returns false after a constant number of calls.
func (m *SyncMap) Range(f func(key, value any) bool) {
	m.m.Range(f)
}
