// Command syncmapdelete shows when a deleted sync.Map entry becomes garbage.
// It stores 100 small entries and one watched entry (a pointer key and a
// 64 KiB value), loads the watched key until the map has certainly moved it
// to its read-only part (the "read map" of the pre-1.24 implementation),
// deletes it, and reports after each further step whether the garbage
// collector has freed the key and the value, detected with finalizers. A
// second watched entry that is never deleted is the control: it must stay.
//
// It uses nothing newer than Go 1.23 so it runs on the old implementation
// (GOTOOLCHAIN=go1.23.12) as well as on the HashTrieMap of Go 1.24 and later.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

type bigKey struct{ id [64]byte }

type bigValue struct{ payload [1 << 16]byte }

// watched records which of an entry's key and value were finalized.
type watched struct{ key, value atomic.Bool }

const others = 100

func main() {
	var m sync.Map
	for i := range others {
		m.Store(i, i)
	}
	var gone, kept watched
	keep := store(&m, &kept)
	storeLoadDelete(&m, &gone)
	collect(&gone)
	fmt.Printf("%s\n", runtime.Version())
	fmt.Printf("after Delete, no loads: key collected=%v value collected=%v control alive=%v\n",
		gone.key.Load(), gone.value.Load(), !kept.key.Load() && !kept.value.Load())
	for i := range 256 {
		m.Load(-1 - i) // absent keys: missed loads
	}
	collect(&gone)
	fmt.Printf("after 256 missed loads: key collected=%v\n", gone.key.Load())
	// A new key makes the old implementation copy the read map's live
	// entries into a fresh dirty map: the others, the control and this key.
	m.Store(others, others)
	misses := others + 2
	for i := range misses {
		m.Load(-1 - i)
	}
	collect(&gone)
	fmt.Printf("after one Store and %d missed loads: key collected=%v\n", misses, gone.key.Load())
	runtime.KeepAlive(keep)
	runtime.KeepAlive(&m)
}

// store stores a fresh watched key and value and returns the key.
//
//go:noinline
func store(m *sync.Map, w *watched) *bigKey {
	k, v := &bigKey{}, &bigValue{}
	runtime.SetFinalizer(k, func(*bigKey) { w.key.Store(true) })
	runtime.SetFinalizer(v, func(*bigValue) { w.value.Store(true) })
	m.Store(k, v)
	return k
}

// storeLoadDelete stores a watched entry, loads it until it is in the read
// map (the old implementation promotes its dirty map after len(dirty) missed
// loads; 1,000 is more than enough), then deletes it. No reference to the
// entry survives the call.
//
//go:noinline
func storeLoadDelete(m *sync.Map, w *watched) {
	k := store(m, w)
	for range 1000 {
		m.Load(k)
	}
	m.Delete(k)
}

// collect runs the collector until w's key and value are both finalized, or
// for at most one second (finalizers run on their own goroutine after a cycle).
func collect(w *watched) {
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if w.key.Load() && w.value.Load() {
			return
		}
	}
}
