package shardcache

import (
	"sync"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestValueKindOf(t *testing.T) {
	type pair32 struct{ a, b int32 }
	type withPointer struct{ p *int }
	require.Equal(t, valueWord64, valueKindOf[int64]())
	require.Equal(t, valueWord64, valueKindOf[float64]())
	require.Equal(t, valueWord64, valueKindOf[pair32]())
	require.Equal(t, valueWord64, valueKindOf[[8]byte]())
	require.Equal(t, valueWord32, valueKindOf[int32]())
	require.Equal(t, valueWord32, valueKindOf[float32]())
	require.Equal(t, valuePointer, valueKindOf[*int]())
	require.Equal(t, valuePointer, valueKindOf[map[string]int]())
	require.Equal(t, valuePointer, valueKindOf[chan int]())
	require.Equal(t, valuePointer, valueKindOf[func()]())
	require.Equal(t, valuePointer, valueKindOf[unsafe.Pointer]())
	require.Equal(t, valueImmutable, valueKindOf[string]())
	require.Equal(t, valueImmutable, valueKindOf[[]byte]())
	require.Equal(t, valueImmutable, valueKindOf[any]())
	require.Equal(t, valueImmutable, valueKindOf[uint16]())
	require.Equal(t, valueImmutable, valueKindOf[withPointer]())
	require.Equal(t, valueImmutable, valueKindOf[[2]int64]())
	if unsafe.Sizeof(uintptr(0)) == 8 {
		require.Equal(t, valueWord64, valueKindOf[int]())
	}
}

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
