package atomicflags

import (
	"sync/atomic"

	uberatomic "go.uber.org/atomic"
)

// couchbase/sync_gateway db/channel_cache.go at b530db3f (fixed in
// 2b5c83f7, CBG-763): every request that adds a channel's cache starts a
// compaction when none is running and the cache is over its high
// watermark. The flag is the project's own wrapper around
// atomic.LoadInt32 and atomic.StoreInt32, read and set through two
// helpers, and the compaction clears it when it ends. Two requests that
// both see no compaction running start two.
type AtomicBool struct{ value int32 }

func (ab *AtomicBool) Set(flag bool) {
	if flag {
		atomic.StoreInt32(&ab.value, 1)
	} else {
		atomic.StoreInt32(&ab.value, 0)
	}
}

func (ab *AtomicBool) IsTrue() bool { return atomic.LoadInt32(&ab.value) == 1 }

func (ab *AtomicBool) CompareAndSwap(old, new bool) bool {
	var o, n int32
	if old {
		o = 1
	}
	if new {
		n = 1
	}
	return atomic.CompareAndSwapInt32(&ab.value, o, n)
}

type channelCache struct {
	compactRunning AtomicBool
	highWatermark  int
	terminator     chan struct{}
}

func (c *channelCache) isCompactActive() bool { return c.compactRunning.IsTrue() }

func (c *channelCache) startCacheCompaction() {
	c.compactRunning.Set(true)
	go c.compactChannelCache()
}

func (c *channelCache) compactChannelCache() {
	defer c.compactRunning.Set(false)
	select {
	case <-c.terminator:
	default:
	}
}

func (c *channelCache) addChannelCache(size int) {
	if !c.isCompactActive() && size > c.highWatermark {
		c.startCacheCompaction() // want `c.startCacheCompaction\(\) after c.isCompactActive\(\) on line 61 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start c.compactChannelCache\(\) in c.startCacheCompaction\(\) on line 62, which clears c.compactRunning when it ends: two run at once; use CompareAndSwap, and go on only when it succeeds`
	}
}

// The fix: the helper claims the flag with one CompareAndSwap.
func (c *channelCache) startCacheCompactionFixed() {
	if c.compactRunning.CompareAndSwap(false, true) {
		go c.compactChannelCache()
	}
}

func (c *channelCache) addChannelCacheFixed(size int) {
	if !c.isCompactActive() && size > c.highWatermark {
		c.startCacheCompactionFixed()
	}
}

// The same shape with sync/atomic's own type, the flag tested and set in
// one function and cleared by a deferred call in a function literal.
type indexer struct {
	busy    atomic.Bool
	pending chan string
}

func (x *indexer) reindex() {
	defer func() { x.busy.Store(false) }()
	for range x.pending {
	}
}

func (x *indexer) changed() {
	if x.busy.Load() {
		return
	}
	x.busy.Store(true) // want `x.busy.Store\(true\) after x.busy.Load\(\) on line 93 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start x.reindex\(\) on line 97, which clears x.busy when it ends: two run at once`
	go x.reindex()
}

// With go.uber.org/atomic, and the job a function literal.
type flusher struct {
	flushing uberatomic.Bool
	buf      []byte
}

func (f *flusher) write(p []byte) {
	if !f.flushing.Load() {
		f.flushing.Store(true) // want `f.flushing.Store\(true\) after f.flushing.Load\(\) on line 107 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start a function literal on line 109, which clears f.flushing when it ends: two run at once`
		go func() {
			defer f.flushing.Store(false)
			_ = len(f.buf)
		}()
	}
}

func (f *flusher) writeFixed(p []byte) {
	if f.flushing.CAS(false, true) {
		go func() {
			defer f.flushing.Store(false)
			_ = len(f.buf)
		}()
	}
}

// Near-misses. A goroutine that never clears the flag is a start made
// once, a lifecycle method (not reported, as before).
func (x *indexer) start() {
	if x.busy.Load() {
		return
	}
	x.busy.Store(true)
	go x.serve()
}

func (x *indexer) serve() {
	for range x.pending {
	}
}

// A goroutine that clears another flag than the one tested.
type twoFlags struct {
	started, idle atomic.Bool
}

func (t *twoFlags) run() { defer t.idle.Store(false) }

func (t *twoFlags) kick() {
	if t.started.Load() {
		return
	}
	t.started.Store(true)
	go t.run()
}

// A goroutine started before the flag is set.
func (x *indexer) changedLate() {
	if x.busy.Load() {
		return
	}
	go x.reindex()
	x.busy.Store(true)
}

// The wrapper's check made again under the CompareAndSwap that decides.
func (c *channelCache) addChannelCacheRechecked(size int) {
	if !c.isCompactActive() && size > c.highWatermark {
		if c.compactRunning.CompareAndSwap(false, true) {
			go c.compactChannelCache()
		}
	}
}

// A send after a test of a go.uber.org/atomic flag that Close sets before
// closing the channel, as with sync/atomic's types (flaggedsend.go).
type uberFeed struct {
	closed  uberatomic.Bool
	updates chan int
}

func (f *uberFeed) Publish(v int) {
	if f.closed.Load() {
		return
	}
	f.updates <- v // want `send on f.updates after the test of f.closed.Load\(\) on line 181 is not atomic with it`
}

func (f *uberFeed) Close() {
	f.closed.Store(true)
	close(f.updates)
}

// Near-miss: the senders count themselves in before the test, and Close,
// after setting the flag, waits for the count to fall before it closes
// (uber-go/tally's m3 reporter): a sender that passed the test is waited
// for.
type countedFeed struct {
	closed  uberatomic.Bool
	pending atomic.Int64
	updates chan int
}

func (f *countedFeed) Publish(v int) {
	f.pending.Add(1)
	defer f.pending.Add(-1)
	if f.closed.Load() {
		return
	}
	f.updates <- v
}

func (f *countedFeed) Close() {
	if !f.closed.CAS(false, true) {
		return
	}
	for f.pending.Load() > 0 {
	}
	close(f.updates)
}

// A job that stores a count, a constant of another kind, before it clears
// the flag.
type countingJob struct {
	busy atomic.Bool
	runs atomic.Int64
}

func (j *countingJob) run() {
	j.runs.Store(1)
	j.busy.Store(false)
}

func (j *countingJob) kick() {
	if j.busy.Load() {
		return
	}
	j.busy.Store(true) // want `j.busy.Store\(true\) after j.busy.Load\(\) on line 233 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to start j.run\(\) on line 237, which clears j.busy when it ends`
	go j.run()
}
