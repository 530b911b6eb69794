// Package lockfree is a stand-in with the API of the real lockfree package's
// Value, so the analyzers' tests can resolve it by import path.
package lockfree

type Value[T any] struct{ p *T }

func (v *Value[T]) Load() *T                          { return v.p }
func (v *Value[T]) Store(p *T)                        { v.p = p }
func (v *Value[T]) Swap(p *T) (old *T)                { return }
func (v *Value[T]) CompareAndSwap(old, new *T) bool   { return false }
func (v *Value[T]) Update(f func(old *T) *T) (new *T) { return }
