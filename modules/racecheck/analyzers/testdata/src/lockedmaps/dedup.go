package lockedmaps

import (
	"log"
	"sync"
)

// clockworksoul/smudge broadcast.go at f54477f1312d (fixed in c9a2ec95,
// "Issue 3: Inefficient locking"): a received broadcast's label is looked
// up under the lock, and a new one is inserted under the lock taken again
// and then delivered. Two goroutines receiving one broadcast both find it
// new, both insert it and both deliver it.
type broadcast struct {
	label string
	body  []byte
}

var broadcasts = struct {
	sync.RWMutex
	m map[string]*broadcast
}{m: map[string]*broadcast{}}

func deliver(b *broadcast) {}

func receiveBroadcast(b *broadcast) {
	label := b.label
	broadcasts.Lock()
	_, contains := broadcasts.m[label]
	broadcasts.Unlock()
	if !contains {
		broadcasts.Lock()
		broadcasts.m[label] = b // want `broadcasts.m\[label\] = … after broadcasts.m\[label\] on line 28 runs only when the check found no entry`
		broadcasts.Unlock()
		log.Printf("broadcast %s", label)
		deliver(b)
	}
}

// The fix: one critical section decides which goroutine delivers.
func receiveBroadcastFixed(b *broadcast) {
	label := b.label
	broadcasts.Lock()
	_, contains := broadcasts.m[label]
	if !contains {
		broadcasts.m[label] = b
	}
	broadcasts.Unlock()
	if !contains {
		deliver(b)
	}
}

// Near-miss: the branch only inserts and logs; a second insert of the
// label replaces the first and nothing else happens twice.
func rememberBroadcast(b *broadcast) {
	label := b.label
	broadcasts.RLock()
	_, contains := broadcasts.m[label]
	broadcasts.RUnlock()
	if !contains {
		broadcasts.Lock()
		broadcasts.m[label] = b
		broadcasts.Unlock()
		log.Printf("broadcast %s", label)
	}
}

// Near-miss: what is handed on is computed, not the item inserted (caddy's
// basic-auth hash cache, at 0cf03d32f, stores a comparison's result and
// answers it).
var hashCache = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

func record(ok bool) {}

func compareCached(key, password string) bool {
	hashCache.Lock()
	same, found := hashCache.m[key]
	hashCache.Unlock()
	if found {
		return same
	}
	same = key == password
	hashCache.Lock()
	hashCache.m[key] = same
	hashCache.Unlock()
	record(same)
	return same
}
