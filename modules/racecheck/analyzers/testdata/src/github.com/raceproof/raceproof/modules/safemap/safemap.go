// Package safemap is a stand-in with the API of the real safemap package, so
// the analyzers' tests can resolve its types by import path.
package safemap

type ComputeOp int

const (
	CancelOp ComputeOp = iota
	UpdateOp
	DeleteOp
)

type Map[K comparable, V any] struct{ m map[K]V }

func (m *Map[K, V]) Load(key K) (value V, ok bool)                          { return }
func (m *Map[K, V]) Store(key K, value V)                                   {}
func (m *Map[K, V]) LoadOrStore(key K, value V) (actual V, loaded bool)     { return }
func (m *Map[K, V]) LoadAndDelete(key K) (value V, loaded bool)             { return }
func (m *Map[K, V]) Delete(key K)                                           {}
func (m *Map[K, V]) Swap(key K, value V) (previous V, loaded bool)          { return }
func (m *Map[K, V]) CompareAndSwap(key K, old, new V) (swapped bool)        { return }
func (m *Map[K, V]) CompareAndDelete(key K, old V) (deleted bool)           { return }
func (m *Map[K, V]) Range(f func(key K, value V) bool)                      {}
func (m *Map[K, V]) Clear()                                                 {}
func (m *Map[K, V]) Len() int                                               { return 0 }
func (m *Map[K, V]) Snapshot() map[K]V                                      { return nil }
func (m *Map[K, V]) DeleteFunc(del func(key K, value V) bool) (deleted int) { return }
func (m *Map[K, V]) Compute(key K, f func(old V, loaded bool) (newValue V, op ComputeOp)) (actual V, ok bool) {
	return
}
func (m *Map[K, V]) LoadOrCompute(key K, f func() (V, error)) (actual V, loaded bool, err error) {
	return
}

type Batch[K comparable, V any] struct{}

func (b *Batch[K, V]) Load(key K) (v V, ok bool) { return }
func (b *Batch[K, V]) Store(key K, value V)      {}
func (b *Batch[K, V]) Delete(key K)              {}

func (m *Map[K, V]) Update(keys []K, f func(b *Batch[K, V])) {}

type SyncMap struct{}

func (m *SyncMap) Load(key any) (value any, ok bool)                    { return }
func (m *SyncMap) Store(key, value any)                                 {}
func (m *SyncMap) LoadOrStore(key, value any) (actual any, loaded bool) { return }
func (m *SyncMap) LoadAndDelete(key any) (value any, loaded bool)       { return }
func (m *SyncMap) Delete(key any)                                       {}
func (m *SyncMap) Swap(key, value any) (previous any, loaded bool)      { return }
func (m *SyncMap) CompareAndSwap(key, old, new any) (swapped bool)      { return }
func (m *SyncMap) CompareAndDelete(key, old any) (deleted bool)         { return }
func (m *SyncMap) Range(f func(key, value any) bool)                    {}
func (m *SyncMap) Clear()                                               {}
