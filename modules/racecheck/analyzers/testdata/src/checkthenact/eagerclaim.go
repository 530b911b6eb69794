package checkthenact

import (
	"sync"
)

// open-telemetry/opentelemetry-collector processor/batchprocessor/
// batch_processor.go at 2037527386ab (fixed in 15201f1e59, issue #9739): a
// batchShard per metadata set, made with LoadOrStore(aset, mb.newShard(md)).
// newShard starts the batchShard's goroutine before LoadOrStore knows whether
// the set has one; a losing batchShard's goroutine runs until shutdown, and
// nothing ever sends to it.
type batchShard struct {
	newItem chan any
	stop    chan struct{}
}

func (s *batchShard) start() {
	for {
		select {
		case <-s.newItem:
		case <-s.stop:
			return
		}
	}
}

type shardBatcher struct {
	mu       sync.Mutex
	batchers sync.Map
	size     int
}

func (mb *shardBatcher) newShard() *batchShard {
	s := &batchShard{newItem: make(chan any, 1), stop: make(chan struct{})}
	go s.start()
	return s
}

func (mb *shardBatcher) consume(key string, data any) {
	b, ok := mb.batchers.Load(key)
	if !ok {
		mb.mu.Lock()
		var loaded bool
		b, loaded = mb.batchers.LoadOrStore(key, mb.newShard()) // want `mb.batchers.LoadOrStore\(key, …\) builds its value before it knows whether the key is there, and newShard starts a goroutine \(eagerclaim.go:36\): when another goroutine stored key first, this value is dropped with its goroutine still running; look the key up first and build the value only on a miss, or stop the value when LoadOrStore reports the key was there`
		if !loaded {
			mb.size++
		}
		mb.mu.Unlock()
	}
	b.(*batchShard).newItem <- data
}

// The fix: look again under the lock every maker holds, and make the batchShard
// only on a miss.
func (mb *shardBatcher) consumeFixed(key string, data any) {
	b, ok := mb.batchers.Load(key)
	if !ok {
		mb.mu.Lock()
		if b, ok = mb.batchers.Load(key); !ok {
			b = mb.newShard()
			mb.batchers.Store(key, b)
			mb.size++
		}
		mb.mu.Unlock()
	}
	b.(*batchShard).newItem <- data
}

// The goroutine two calls away, through a constructor, and the value in a
// local nothing uses after the claim.
func newWorker() *batchShard { return startShard() }

func startShard() *batchShard {
	s := &batchShard{stop: make(chan struct{})}
	go s.start()
	return s
}

func (mb *shardBatcher) worker(key string) *batchShard {
	w := newWorker()
	got, _ := mb.batchers.LoadOrStore(key, w) // want `mb.batchers.LoadOrStore\(key, …\) builds its value before it knows whether the key is there, and newWorker starts a goroutine \(eagerclaim.go:76\): when another goroutine stored key first, this value is dropped with its goroutine still running; look the key up first and build the value only on a miss, or stop the value when LoadOrStore reports the key was there`
	return got.(*batchShard)
}

// Near-miss: the loser is stopped.
func (mb *shardBatcher) workerStopped(key string) *batchShard {
	w := newWorker()
	got, loaded := mb.batchers.LoadOrStore(key, w)
	if loaded {
		close(w.stop)
	}
	return got.(*batchShard)
}

// Near-miss: a value that starts nothing.
func (mb *shardBatcher) plain(key string) *batchShard {
	got, _ := mb.batchers.LoadOrStore(key, &batchShard{})
	return got.(*batchShard)
}

// Near-miss: a map of the function's own.
func localShards(keys []string) int {
	var m sync.Map
	for _, k := range keys {
		m.LoadOrStore(k, startShard())
	}
	return len(keys)
}
