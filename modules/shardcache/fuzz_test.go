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
// entry, as told by the writes and the OnRemove reports.
type modelEntry[V comparable] struct {
	value    V
	expireAt int64 // 0: never
}

type model[V comparable] struct {
	t        *testing.T
	entries  map[uint8]modelEntry[V]
	clock    *fakeClock
	removals int
	// replacing is the entry a write in progress replaces, if any.
	replacing    modelEntry[V]
	replacingKey uint8
	isReplacing  bool
}

// write installs a new entry for k in the model before the cache writes
// it (the write may evict the new entry itself and report it), and
// remembers the entry it replaces, which the write reports as Replaced,
// or as Expired if it had expired.
func (m *model[V]) write(k uint8, e modelEntry[V]) {
	old, ok := m.entries[k]
	m.replacing, m.replacingKey, m.isReplacing = old, k, ok
	m.entries[k] = e
}

func (m *model[V]) live(k uint8) (modelEntry[V], bool) {
	e, ok := m.entries[k]
	if !ok || (e.expireAt != 0 && m.clock.now() >= e.expireAt) {
		return modelEntry[V]{}, false
	}
	return e, true
}

// onRemove checks each report against the model and applies it.
func (m *model[V]) onRemove(k uint8, v V, cause RemovalCause) {
	if m.isReplacing && k == m.replacingKey && (cause == Replaced || cause == Expired) {
		old := m.replacing
		m.isReplacing = false
		require.Equal(m.t, old.value, v, "the replaced value is reported")
		expired := old.expireAt != 0 && m.clock.now() >= old.expireAt
		require.Equal(m.t, expired, cause == Expired, "a replaced entry is Expired exactly when it had expired")
		m.removals++
		return
	}
	e, ok := m.entries[k]
	require.True(m.t, ok, "OnRemove(%d, %v) for a key the model does not hold", k, cause)
	require.NotEqual(m.t, Replaced, cause, "Replaced is reported only by a write of the key")
	require.Equal(m.t, e.value, v, "OnRemove reports the stored value")
	delete(m.entries, k)
	if cause == Expired {
		require.True(m.t, e.expireAt != 0 && m.clock.now() >= e.expireAt, "only expired entries are reported as Expired")
	}
	m.removals++
}

// FuzzCache drives a cache and a model with the same operations and checks
// after each one that the cache never exceeds its bound, that a key is
// visible exactly when the model (updated by writes and OnRemove reports)
// holds it unexpired, with the right value, and that Len matches. It runs
// the operations against three caches, one per way a value is written:
// uint16 values are immutable (an overwrite publishes a new entry), uint64
// values are overwritten in place under the shard lock when OnRemove is set,
// and without the lock when it is not. Without OnRemove the model cannot
// learn of evictions, so that run checks that Get never returns a value
// other than the key's latest one.
func FuzzCache(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 1, 3, 1, 1, 5, 3, 0, 4, 2, 6})
	f.Add([]byte{1, 5, 200, 4, 50, 2, 5, 3, 1, 7, 0})
	// A write, and a delete, of keys whose entries have expired.
	f.Add([]byte{2, 1, 0, 2, 2, 0, 4, 0, 5, 0, 1, 9, 3, 2, 0})
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

func fuzzCache[V comparable](t *testing.T, ops []byte, value func(uint16) V, withOnRemove bool) {
	clk := &fakeClock{}
	clk.t.Store(1)
	m := &model[V]{t: t, entries: map[uint8]modelEntry[V]{}, clock: clk}
	const capacity = 40
	const keySpace = 64
	opts := Options[uint8, V]{MaxEntries: capacity}
	if withOnRemove {
		opts.OnRemove = m.onRemove
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
			m.write(k, modelEntry[V]{value: v})
			c.Set(k, v)
			m.isReplacing = false
		case 2:
			ttl := time.Duration(arg%16+1) * time.Millisecond
			m.write(k, modelEntry[V]{value: v, expireAt: clk.now() + int64(ttl)})
			c.SetWithTTL(k, v, ttl)
			m.isReplacing = false
		case 3:
			c.Delete(k)
			if withOnRemove {
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
				if withOnRemove {
					require.Empty(t, m.entries)
				}
				clear(m.entries)
			}
		case 7:
			_ = c.Hottest(int(arg % 8))
		}
		n := c.Len()
		if n > capacity || (withOnRemove && n != len(m.entries)) {
			t.Fatalf("Len() = %d, model holds %d, bound %d", n, len(m.entries), capacity)
		}
		for key := range keySpace {
			want, ok := m.live(uint8(key))
			got, gotOK := c.Get(uint8(key))
			switch {
			case withOnRemove && (ok != gotOK || (ok && want.value != got)):
				t.Fatalf("Get(%d) = %v, %v; model: %v, %v", key, got, gotOK, want.value, ok)
			case !withOnRemove && gotOK && (!ok || want.value != got):
				t.Fatalf("Get(%d) = %v, true; model: %v, %v (only the latest value may be returned)", key, got, want.value, ok)
			}
		}
	}
	if withOnRemove {
		st := c.Stats()
		removals := st.Evicted.Size + st.Evicted.Expired + st.Removed.Explicit + st.Removed.Replaced
		require.Equal(t, uint64(m.removals), removals, fmt.Sprintf("%+v %+v", st.Evicted, st.Removed))
	}
}
