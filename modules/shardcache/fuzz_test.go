package shardcache

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// fakeClock is a clock the test advances by hand.
type fakeClock struct{ t atomic.Int64 }

func (f *fakeClock) now() int64              { return f.t.Load() }
func (f *fakeClock) advance(d time.Duration) { f.t.Add(int64(d)) }

// model is the sequential specification: what the cache holds, entry by
// entry, as told by the writes and the OnEvict reports.
type modelEntry[V comparable] struct {
	value    V
	expireAt int64 // 0: never
}

type model[V comparable] struct {
	t        *testing.T
	entries  map[uint8]modelEntry[V]
	clock    *fakeClock
	removals int
}

func (m *model[V]) live(k uint8) (modelEntry[V], bool) {
	e, ok := m.entries[k]
	if !ok || (e.expireAt != 0 && m.clock.now() >= e.expireAt) {
		return modelEntry[V]{}, false
	}
	return e, true
}

// onEvict checks each report against the model and applies it.
func (m *model[V]) onEvict(k uint8, v V, cause EvictionCause) {
	e, ok := m.entries[k]
	require.True(m.t, ok, "OnEvict(%d, %v) for a key the model does not hold", k, cause)
	if cause != Replaced {
		require.Equal(m.t, e.value, v, "OnEvict reports the stored value")
		delete(m.entries, k)
	}
	if cause == Expired {
		require.True(m.t, e.expireAt != 0 && m.clock.now() >= e.expireAt, "only expired entries are reported as Expired")
	}
	m.removals++
}

// FuzzCache drives a cache and a model with the same operations and checks
// after each one that the cache never exceeds its bound, that a key is
// visible exactly when the model (updated by writes and OnEvict reports)
// holds it unexpired, with the right value, and that Len matches. It runs
// the operations against three caches, one per way a value is written:
// uint16 values are immutable (an overwrite publishes a new entry), uint64
// values are overwritten in place under the shard lock when OnEvict is set,
// and without the lock when it is not. Without OnEvict the model cannot
// learn of evictions, so that run checks that Get never returns a value
// other than the key's latest one.
func FuzzCache(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 1, 3, 1, 1, 5, 3, 0, 4, 2, 6})
	f.Add([]byte{1, 5, 200, 4, 50, 2, 5, 3, 1, 7, 0})
	f.Add(func() []byte {
		b := make([]byte, 0, 900)
		for i := range 300 {
			b = append(b, 0, byte(i), byte(i*7))
		}
		return b
	}())
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 1200 {
			ops = ops[:1200] // every op checks every key: keep executions fast
		}
		fuzzCache(t, ops, func(v uint16) uint16 { return v }, true)
		fuzzCache(t, ops, func(v uint16) uint64 { return uint64(v) * 0x10001 }, true)
		fuzzCache(t, ops, func(v uint16) uint64 { return uint64(v) * 0x10001 }, false)
	})
}

func fuzzCache[V comparable](t *testing.T, ops []byte, value func(uint16) V, withOnEvict bool) {
	clk := &fakeClock{}
	clk.t.Store(1)
	m := &model[V]{t: t, entries: map[uint8]modelEntry[V]{}, clock: clk}
	const capacity = 40
	const keySpace = 64
	opts := Options[uint8, V]{MaxEntries: capacity}
	if withOnEvict {
		opts.OnEvict = m.onEvict
	}
	c, err := newCache(opts, clk)
	require.NoError(t, err)
	c.reclaiming.Store(true) // no background goroutine: the test reclaims by hand
	defer c.Close()

	for len(ops) >= 3 {
		op, k, arg := ops[0]%8, ops[1]%keySpace, ops[2]
		ops = ops[3:]
		v := value(uint16(arg)<<8 | uint16(k))
		switch op {
		case 0, 1:
			// The model learns of the write first: the write itself
			// may evict the new entry and report it.
			m.entries[k] = modelEntry[V]{value: v}
			c.Set(k, v)
		case 2:
			ttl := time.Duration(arg%16+1) * time.Millisecond
			m.entries[k] = modelEntry[V]{value: v, expireAt: clk.now() + int64(ttl)}
			c.SetWithTTL(k, v, ttl)
		case 3:
			c.Delete(k)
			if withOnEvict {
				_, ok := m.entries[k]
				require.False(t, ok, "Delete reports the entry")
			}
			delete(m.entries, k)
		case 4:
			clk.advance(time.Duration(arg%8) * time.Millisecond)
		case 5:
			c.expireAll()
		case 6:
			if arg%16 == 0 {
				c.Clear()
				if withOnEvict {
					require.Empty(t, m.entries)
				}
				clear(m.entries)
			}
		case 7:
			_ = c.Hottest(int(arg % 8))
		}
		n := c.Len()
		if n > capacity || (withOnEvict && n != len(m.entries)) {
			t.Fatalf("Len() = %d, model holds %d, bound %d", n, len(m.entries), capacity)
		}
		for key := range keySpace {
			want, ok := m.live(uint8(key))
			got, gotOK := c.Get(uint8(key))
			switch {
			case withOnEvict && (ok != gotOK || (ok && want.value != got)):
				t.Fatalf("Get(%d) = %v, %v; model: %v, %v", key, got, gotOK, want.value, ok)
			case !withOnEvict && gotOK && (!ok || want.value != got):
				t.Fatalf("Get(%d) = %v, true; model: %v, %v (only the latest value may be returned)", key, got, want.value, ok)
			}
		}
	}
	if withOnEvict {
		st := c.Stats()
		var evictions uint64
		for _, n := range st.Evictions {
			evictions += n
		}
		require.Equal(t, uint64(m.removals), evictions, fmt.Sprintf("%+v", st.Evictions))
	}
}
