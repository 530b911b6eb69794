package shardcache

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestOverwriteNeverTears writes values whose halves must match from several
// goroutines while others read them, for each way a value is written: a
// reader must always see one whole written value.
func TestOverwriteNeverTears(t *testing.T) {
	type halves struct{ lo, hi uint32 }   // 8 bytes: overwritten in place
	type quad struct{ a, b, c, d uint32 } // 16 bytes: immutable entries
	t.Run("word", func(t *testing.T) {
		overwriteNeverTears(t, func(i uint32) halves { return halves{i, ^i} },
			func(v halves) bool { return v.hi == ^v.lo })
	})
	t.Run("pointer", func(t *testing.T) {
		overwriteNeverTears(t, func(i uint32) *halves { return &halves{i, ^i} },
			func(v *halves) bool { return v.hi == ^v.lo })
	})
	t.Run("immutable", func(t *testing.T) {
		overwriteNeverTears(t, func(i uint32) quad { return quad{i, ^i, i, ^i} },
			func(v quad) bool { return v.b == ^v.a && v.c == v.a && v.d == v.b })
	})
}

func overwriteNeverTears[V any](t *testing.T, make func(uint32) V, whole func(V) bool) {
	for _, onRemove := range []func(int, V, RemovalCause){nil, func(int, V, RemovalCause) {}} {
		c, err := New(Options[int, V]{MaxEntries: 1024, OnRemove: onRemove})
		require.NoError(t, err)
		const keys = 8
		for k := range keys {
			c.Set(k, make(0))
		}
		var wg sync.WaitGroup
		for w := range 4 {
			wg.Go(func() {
				for i := range uint32(2000) {
					c.Set(int(i)%keys, make(i*4+uint32(w)))
				}
			})
			wg.Go(func() {
				for i := range 2000 {
					if v, ok := c.Get(i % keys); ok && !whole(v) {
						t.Errorf("torn value %+v", v)
						return
					}
				}
			})
		}
		wg.Wait()
		require.NoError(t, c.Close())
	}
}
