package experiments

import (
	"runtime"
	"sync"
	"testing"
	"weak"
)

// Claim 2: "Deleted sync.Map entries keep their memory until about 256 missed
// loads promote the dirty map."
// Verdict: false since Go 1.24 (sync.Map is a HashTrieMap with no read/dirty
// split: Delete unlinks the entry at once). Before 1.24 it was partly true:
// Delete of a key in the read map cleared the value pointer at once, only the
// key and its entry stayed until len(dirty) misses (not 256) promoted the
// dirty map.

type bigKey struct{ id [64]byte }

type bigValue struct{ payload [1 << 16]byte }

// storeAndWatch stores a fresh key and value and returns weak pointers to
// both, so no strong reference survives on the caller's stack.
//
//go:noinline
func storeAndWatch(m *sync.Map, id byte) (weak.Pointer[bigKey], weak.Pointer[bigValue]) {
	k := &bigKey{}
	k.id[0] = id
	v := &bigValue{}
	m.Store(k, v)
	return weak.Make(k), weak.Make(v)
}

func TestClaim2DeletedEntryIsCollectableAtOnce(t *testing.T) {
	var m sync.Map
	for i := range 100 {
		m.Store(i, i) // unrelated entries, so the map is not trivially empty
	}
	wk, wv := storeAndWatch(&m, 1)
	keepK, keepV := storeAndWatch(&m, 2)
	// Delete the first key without any Load in between: no misses at all.
	m.Delete(wk.Value())
	runtime.GC()
	runtime.GC()
	t.Logf("after Delete + GC, no loads: key collected=%v value collected=%v; control entry still alive=%v",
		wk.Value() == nil, wv.Value() == nil, keepK.Value() != nil && keepV.Value() != nil)
	if wk.Value() != nil || wv.Value() != nil {
		t.Errorf("deleted entry still reachable after GC: key=%v value=%v", wk.Value() != nil, wv.Value() != nil)
	}
	// The control entry proves the test can tell reachable from collected.
	if keepK.Value() == nil || keepV.Value() == nil {
		t.Error("the control entry, still in the map, was collected")
	}
	runtime.KeepAlive(&m)
}
