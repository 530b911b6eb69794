package checkthenact

// Fixed bugs from the fourth held-out set (4 December), missed as measured.

import (
	"strings"
	"sync"
	"sync/atomic"
)

// VictoriaMetrics lib/promutils/labelscompressor.go at 0c0f013a60c8 (fixed
// in 664f337c70c4, VictoriaMetrics#7118): the key stored is a clone of the
// key checked, equal to it, so two racing misses give one label two
// indexes.
type labelsCompressor struct {
	labelToIdx sync.Map
	nextIdx    atomic.Uint64
}

func cloneLabel(s string) string { return strings.Clone(s) }

func (lc *labelsCompressor) compress(label string) uint64 {
	v, ok := lc.labelToIdx.Load(label)
	if !ok {
		idx := lc.nextIdx.Add(1)
		labelCopy := cloneLabel(label)
		lc.labelToIdx.Store(labelCopy, idx) // want `runs only when the check found no entry`
		return idx
	}
	return v.(uint64)
}

// Near-miss: a clone of another string is another key.
func (lc *labelsCompressor) compressOther(label, other string) uint64 {
	if v, ok := lc.labelToIdx.Load(label); ok {
		return v.(uint64)
	}
	idx := lc.nextIdx.Add(1)
	otherCopy := cloneLabel(other)
	lc.labelToIdx.Store(otherCopy, idx)
	return idx
}

// grafana/tempo pkg/flushqueues/exclusivequeues.go at bdccaf0fdcfb (fixed in
// 0ee610d2a29d): the set entry is a marker, and both racing goroutines go on
// to requeue the op the marker exists to requeue once.
type flushOp struct{ key string }

func (o *flushOp) Key() string { return o.key }

type exclusiveQueues struct {
	activeKeys sync.Map
	queued     []*flushOp
}

func (f *exclusiveQueues) requeue(op *flushOp) error {
	f.queued = append(f.queued, op)
	return nil
}

func (f *exclusiveQueues) enqueue(op *flushOp) error {
	_, ok := f.activeKeys.Load(op.Key())
	if ok {
		return nil
	}
	f.activeKeys.Store(op.Key(), struct{}{}) // want `both go on as the one that inserted it`
	return f.requeue(op)
}

// Near-miss: a memo returning what it computed from the key is not a
// marker, and computing it twice changes nothing.
type lengths struct{ memo sync.Map }

func keyLength(k string) int { return len(k) }

func (l *lengths) of(k string) int {
	if v, ok := l.memo.Load(k); ok {
		return v.(int)
	}
	n := keyLength(k)
	l.memo.Store(k, n)
	return keyLength(k)
}
