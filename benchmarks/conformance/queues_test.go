package conformance

import (
	"testing"

	"github.com/puzpuzpuz/xsync/v4"

	"github.com/raceproof/raceproof/modules/lockfree"
	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

type (
	qIn  = lincheck.QueueInput[int]
	qOut = lincheck.QueueOutput[int]
	qDo  = func(qIn) qOut
)

// queueFamily fixes the capacity bounded queues are created with.
type queueFamily struct {
	name     string
	capacity int
}

var queueFamilies = []queueFamily{
	{"FIFO, exactly once (capacity 64, never full)", 64},
	{"Try operations at the edges (capacity 2)", 2},
}

type queueImpl struct {
	name    string
	st      strictness
	bounded bool
	// new returns a queue of the given capacity (ignored if unbounded).
	new func(capacity int) qDo
}

// tryOps adapts a queue with non-blocking TryEnqueue and TryDequeue.
func tryOps(tryEnqueue func(int) bool, tryDequeue func() (int, bool)) qDo {
	return func(in qIn) qOut {
		if in.Op == lincheck.QueueTryDequeue {
			v, ok := tryDequeue()
			return qOut{Value: v, Ok: ok}
		}
		return qOut{Ok: tryEnqueue(in.Value)}
	}
}

var queueImpls = []queueImpl{
	{name: "lockfree.Queue", st: ours, bounded: true, new: func(capacity int) qDo {
		q, err := lockfree.NewQueue[int](capacity)
		if err != nil {
			panic(err)
		}
		return tryOps(q.TryEnqueue, q.TryDequeue)
	}},
	{name: "lockfree.UnboundedQueue", st: ours, new: func(int) qDo {
		q := new(lockfree.UnboundedQueue[int])
		return tryOps(func(v int) bool { return q.Enqueue(v) == nil }, q.TryDequeue)
	}},
	{name: "xsync.MPMCQueue", bounded: true, st: strictness{upstream: "none found (searched the puzpuzpuz/xsync issues " +
		"for spurious TryEnqueue and TryDequeue failures); its TryEnqueue is documented as \"The result indicates that the queue " +
		"isn't full and the item was inserted\", and it returns false when its compare-and-swap on the head loses to another producer"},
		new: func(capacity int) qDo {
			q := xsync.NewMPMCQueue[int](capacity)
			return tryOps(q.TryEnqueue, q.TryDequeue)
		}},
	{name: "chan", st: peer, bounded: true, new: func(capacity int) qDo {
		ch := make(chan int, capacity)
		return tryOps(func(v int) bool {
			select {
			case ch <- v:
				return true
			default:
				return false
			}
		}, func() (int, bool) {
			select {
			case v := <-ch:
				return v, true
			default:
				return 0, false
			}
		})
	}},
}

func queueFamilyNames() []string {
	var s []string
	for _, f := range queueFamilies {
		s = append(s, f.name)
	}
	return s
}

func queueImplNames() []string {
	var s []string
	for _, q := range queueImpls {
		s = append(s, q.name)
	}
	return s
}

func TestConformanceQueues(t *testing.T) {
	for _, fam := range queueFamilies {
		t.Run(fam.name, func(t *testing.T) {
			for _, impl := range queueImpls {
				t.Run("impl="+impl.name, func(t *testing.T) {
					capacity, enqueue := fam.capacity, lincheck.QueueTryEnqueue
					if !impl.bounded {
						if fam.capacity < 64 {
							notApplicable(t, "Queues", fam.name, impl.name, "unbounded")
							return
						}
						capacity, enqueue = 0, lincheck.QueueEnqueue
					}
					runCell(t, "TestConformanceQueues", "Queues", fam.name, impl.name, []string{"Enqueue", "TryEnqueue", "TryDequeue"}, impl.st, lincheck.Spec[qDo, []int, qIn, qOut]{
						Model: lincheck.QueueModel[int](capacity),
						New:   func() qDo { return impl.new(capacity) },
						Do:    func(do qDo, in qIn) qOut { return do(in) },
						Gen:   lincheck.RandomQueueOps(enqueue, lincheck.QueueTryDequeue),
					})
				})
			}
		})
	}
}
