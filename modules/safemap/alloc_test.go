package safemap

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
}

func TestAllocsMap(t *testing.T) {
	skipUnderRace(t)
	m := New[int, int]()
	s := New[string, string]()
	keys := make([]string, 1000)
	for i := range 1000 {
		m.Store(i, i)
		keys[i] = fmt.Sprint(i)
		s.Store(keys[i], keys[i])
	}
	i := 0
	assert.Zero(t, testing.AllocsPerRun(1000, func() { m.Load(i % 2000); i++ }), "Map[int].Load")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { s.Load(keys[i%1000]); i++ }), "Map[string].Load")
	assert.LessOrEqual(t, testing.AllocsPerRun(1000, func() { m.Store(i%1000, i); i++ }), 1.0, "Store")
	assert.Zero(t, testing.AllocsPerRun(100, func() { m.Range(func(int, int) bool { return true }) }), "Range")
	assert.Zero(t, testing.AllocsPerRun(100, func() {
		for range m.All() {
		}
	}), "All")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { m.Delete(-1) }), "Delete of a missing key")
	assert.Zero(t, testing.AllocsPerRun(1000, func() { m.Len() }), "Len")
}

func TestAllocsSyncMap(t *testing.T) {
	skipUnderRace(t)
	type node struct{ n int }
	var m SyncMap
	ptr := &node{1}
	keys := []any{12345678, "some string key", ptr, 3.25, int64(-7), uint8(3)}
	for _, k := range keys {
		m.Store(k, k)
	}
	for _, k := range keys {
		assert.Zero(t, testing.AllocsPerRun(1000, func() {
			if _, ok := m.Load(k); !ok {
				t.Fatal("key lost")
			}
		}), "SyncMap.Load(%T)", k)
	}
	missing := any(987654321)
	assert.Zero(t, testing.AllocsPerRun(1000, func() { m.Load(missing) }), "SyncMap.Load miss")
	assert.LessOrEqual(t, testing.AllocsPerRun(1000, func() { m.Store(keys[0], keys[1]) }), 1.0, "SyncMap.Store")
	assert.Zero(t, testing.AllocsPerRun(100, func() { m.Range(func(any, any) bool { return true }) }), "SyncMap.Range")
}
