package readlockwrite

import (
	"slices"
	"sort"
	"sync"
)

// tagged is oras-project/oras's model.Tagged (oras#2181): Tags sorts the
// shared slice in place under the read lock, so two concurrent calls sort
// one array at once, and readers see it half sorted.
type tagged struct {
	lock sync.RWMutex
	tags []string
}

func (t *tagged) AddTag(tag string) {
	t.lock.Lock()
	defer t.lock.Unlock()
	t.tags = append(t.tags, tag)
}

func (t *tagged) Tags() []string {
	t.lock.RLock()
	defer t.lock.RUnlock()
	slices.Sort(t.tags) // want `slices.Sort\(…\) changes t.tags while only t.lock's read lock \(RLock on line 24\) is held: concurrent holders of the read lock move or overwrite its elements .* half moved; the package writes t.tags with t.lock's write lock held \(line 20\)`
	return t.tags
}

type byLen []string

func (b byLen) Len() int           { return len(b) }
func (b byLen) Less(i, j int) bool { return len(b[i]) < len(b[j]) }
func (b byLen) Swap(i, j int)      { b[i], b[j] = b[j], b[i] }

func (t *tagged) Shortest(n int) []string {
	t.lock.RLock()
	defer t.lock.RUnlock()
	sort.Sort(byLen(t.tags[:n])) // want `sort.Sort\(…\) changes t.tags while only t.lock's read lock`
	return t.tags[:n]
}

func (t *tagged) Forget() {
	t.lock.RLock()
	clear(t.tags) // want `clear\(…\) changes t.tags while only t.lock's read lock`
	t.lock.RUnlock()
}

// Near-misses: a sorted copy is the caller's own, and a sort under the
// write lock excludes every reader.
func (t *tagged) Sorted() []string {
	t.lock.RLock()
	out := slices.Clone(t.tags)
	t.lock.RUnlock()
	slices.Sort(out)
	return out
}

func (t *tagged) SortTags() {
	t.lock.Lock()
	sort.Strings(t.tags)
	t.lock.Unlock()
}
