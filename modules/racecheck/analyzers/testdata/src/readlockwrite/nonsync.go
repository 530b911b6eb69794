package readlockwrite

import (
	"bytes"
	"fmt"
	"math/rand"
	randv2 "math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/btree"
)

// Standard library types whose methods do not synchronise and change the
// value even when they look like reads: a math/rand Rand's numbers advance
// its source, a bytes.Buffer's reads move its offset.

// seaweedfs/seaweedfs weed/wdclient/vid_map.go at bb31462b5^ (fixed in
// bb31462b5, seaweedfs/seaweedfs#1060): a location picked with the map's
// own Rand under the read lock; math/rand's source panicked with "index out
// of range" in production.
type location struct{ url string }

type vidMap struct {
	sync.RWMutex
	vid2Locations map[uint32][]location
	r             *rand.Rand
}

func newVidMap() vidMap {
	return vidMap{
		vid2Locations: make(map[uint32][]location),
		r:             rand.New(rand.NewSource(time.Now().UnixNano())),
	}
}

func (vc *vidMap) GetRandomLocation(vid uint32) (string, error) {
	vc.RLock()
	defer vc.RUnlock()
	locations := vc.vid2Locations[vid]
	if len(locations) == 0 {
		return "", fmt.Errorf("volume %d not found", vid)
	}
	return locations[vc.r.Intn(len(locations))].url, nil // want `vc.r.Intn\(…\) changes vc.r while only vc's read lock \(RLock on line 40\) is held: concurrent holders of the read lock advance its source at the same time as each other, so they draw the same numbers, and math/rand's source can index out of its range and panic; the package writes vc.r nowhere with a lock held, but declares it in the group of fields that follows RWMutex \(line 29\)`
}

// The fix: an atomic cursor in place of the Rand.
type vidMapFixed struct {
	sync.RWMutex
	vid2Locations map[uint32][]location
	cursor        atomic.Int64
}

func (vc *vidMapFixed) GetRandomLocation(vid uint32) (string, error) {
	vc.RLock()
	defer vc.RUnlock()
	locations := vc.vid2Locations[vid]
	if len(locations) == 0 {
		return "", fmt.Errorf("volume %d not found", vid)
	}
	return locations[vc.cursor.Add(1)%int64(len(locations))].url, nil
}

// A math/rand/v2 Rand and a bytes.Buffer the package also changes under
// the write lock.
type picker struct {
	mu    sync.RWMutex
	nodes []string
	rng   *randv2.Rand
	trace bytes.Buffer
	names strings.Builder
}

func (p *picker) Add(n string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.nodes = append(p.nodes, n)
	p.rng.Shuffle(len(p.nodes), func(i, j int) { p.nodes[i], p.nodes[j] = p.nodes[j], p.nodes[i] })
	p.trace.Reset()
	p.names.WriteString(n)
}

func (p *picker) Pick() string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	p.trace.WriteString("pick\n")            // want `p.trace.WriteString\(…\) changes p.trace while only p.mu's read lock \(RLock on line 86\) is held: concurrent holders of the read lock move its offsets and grow its storage at the same time as each other and as every reader, so bytes are lost, repeated or read torn; the package writes p.trace with p.mu's write lock held \(line 81\)`
	return p.nodes[p.rng.IntN(len(p.nodes))] // want `p.rng.IntN\(…\) changes p.rng while only p.mu's read lock \(RLock on line 86\) is held: concurrent holders of the read lock advance its source at the same time as each other, so they draw the same numbers and leave its state torn`
}

// Near-misses: what does not change the value (Len, String), the Rand used
// under the write lock, the package-level functions (safe for concurrent
// use), a Rand and a Buffer local to the call.
func (p *picker) Describe() string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	n := p.trace.Len() + p.names.Len()
	_ = p.trace.String()
	return fmt.Sprint(n, rand.Intn(10), randv2.IntN(10))
}

func (p *picker) PickExclusive() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.nodes[p.rng.IntN(len(p.nodes))]
}

func (p *picker) Sample(seed int64) string {
	p.mu.RLock()
	defer p.mu.RUnlock()
	r := rand.New(rand.NewSource(seed))
	var b bytes.Buffer
	b.WriteString(p.nodes[r.Intn(len(p.nodes))])
	return b.String()
}

// charmbracelet/wishlist multiplex/reader.go at 5232ef0^ (fixed in 5232ef0,
// wishlist#209, "I don't fully understand why though"): a bytes.Buffer's
// Read under the read lock moves the buffer's read offset.
type syncWriter struct {
	b  bytes.Buffer
	mu sync.RWMutex
}

func (w *syncWriter) Reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.b.Reset()
}

func (w *syncWriter) Read(p []byte) (int, error) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.b.Read(p) // want `w.b.Read\(…\) changes w.b while only w.mu's read lock \(RLock on line 133\) is held: concurrent holders of the read lock move its offsets`
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

// etcd-io/etcd mvcc/index.go at 88922b0d^ (fixed in 88922b0d, etcd#10699):
// a google/btree's Clone under the read lock gives the tree a new
// copy-on-write context, a write.
type keyIndex struct{ key []byte }

func (a *keyIndex) Less(b btree.Item) bool { return string(a.key) < string(b.(*keyIndex).key) }

type treeIndex struct {
	sync.RWMutex
	tree *btree.BTree
}

func (ti *treeIndex) Put(key []byte) {
	ti.Lock()
	defer ti.Unlock()
	ti.tree.ReplaceOrInsert(&keyIndex{key: key})
}

func (ti *treeIndex) visit(key []byte, f func(ki *keyIndex)) {
	ti.RLock()
	clone := ti.tree.Clone() // want `ti.tree.Clone\(…\) changes ti.tree while only ti's read lock \(RLock on line 163\) is held: concurrent holders of the read lock change its nodes or, with Clone, its copy-on-write context`
	ti.RUnlock()
	clone.AscendGreaterOrEqual(&keyIndex{key: key}, func(item btree.Item) bool {
		f(item.(*keyIndex))
		return true
	})
}

// Near-miss: a lookup does not change the tree.
func (ti *treeIndex) Get(key []byte) *keyIndex {
	ti.RLock()
	defer ti.RUnlock()
	if it := ti.tree.Get(&keyIndex{key: key}); it != nil {
		return it.(*keyIndex)
	}
	return nil
}
