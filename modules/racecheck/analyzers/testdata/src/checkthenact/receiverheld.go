package checkthenact

import "sync"

// A get-or-create on a sync.Map in an unexported method every caller calls
// with its receiver's mutex held (lni/dragonboat 076c7f64, nodehost.go:1716,
// getLogDBMetrics under nh.mu): two calls for one object never interleave,
// and nothing is reported.
type shardMetrics struct{ reads, writes int }

type nodeHost struct {
	mu struct {
		sync.RWMutex
		lm sync.Map
	}
}

func (nh *nodeHost) getMetrics(shard uint64) *shardMetrics {
	if v, ok := nh.mu.lm.Load(shard); ok {
		return v.(*shardMetrics)
	}
	m := &shardMetrics{}
	nh.mu.lm.Store(shard, m)
	return m
}

func (nh *nodeHost) HandleInfo(shard uint64) int {
	nh.mu.Lock()
	defer nh.mu.Unlock()
	return nh.getMetrics(shard).reads
}

func (nh *nodeHost) StartShard(shard uint64) {
	start := func() {
		nh.mu.Lock()
		defer nh.mu.Unlock()
		nh.getMetrics(shard).writes++
	}
	start()
}

// Near-misses: a caller that holds another object's mutex, and one that
// holds only the read lock.
func (nh *nodeHost) getMetricsOther(shard uint64) *shardMetrics {
	if v, ok := nh.mu.lm.Load(shard); ok {
		return v.(*shardMetrics)
	}
	m := &shardMetrics{}
	nh.mu.lm.Store(shard, m) // want `nh.mu.lm.Store\(shard\) after nh.mu.lm.Load\(shard\) on line 45 runs only when the check found no entry`
	return m
}

func (nh *nodeHost) Mirror(peer *nodeHost, shard uint64) int {
	nh.mu.Lock()
	defer nh.mu.Unlock()
	return peer.getMetricsOther(shard).reads
}

func (nh *nodeHost) getMetricsRead(shard uint64) *shardMetrics {
	if v, ok := nh.mu.lm.Load(shard); ok {
		return v.(*shardMetrics)
	}
	m := &shardMetrics{}
	nh.mu.lm.Store(shard, m) // want `nh.mu.lm.Store\(shard\) after nh.mu.lm.Load\(shard\) on line 60 runs only when the check found no entry`
	return m
}

func (nh *nodeHost) Peek(shard uint64) int {
	nh.mu.RLock()
	defer nh.mu.RUnlock()
	return nh.getMetricsRead(shard).reads
}
