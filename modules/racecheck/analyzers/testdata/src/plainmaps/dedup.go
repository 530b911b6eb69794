package plainmaps

import (
	"log"
	"sync"
)

// clockworksoul/smudge broadcast.go at f54477f1312d (fixed in c9a2ec95,
// "Issue 3: Inefficient locking"): a received broadcast's label is looked
// up under the lock, and a new one is inserted under the lock taken again
// and then delivered. Two goroutines receiving one broadcast both find it
// new, both insert it and both deliver it. Reported only with -plainmaps:
// taking by default every insert whose branch goes on to do something
// added six findings on the projects of docs/vet.md, none true.
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
		broadcasts.m[label] = b // want `broadcasts.m\[label\] = … after broadcasts.m\[label\] on line 30 runs only when the check found no entry`
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
