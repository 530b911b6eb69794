package lockfreebench

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

// paddedWord is a word alone on its cache line.
type paddedWord struct {
	v uint64
	_ [56]byte
}

// BenchmarkQueueSequential moves one element through a queue of capacity
// 1024 per iteration, enqueued and dequeued by the same goroutine, so that
// no cache line moves between cores and nothing parks: it measures the
// instructions of one enqueue and one dequeue. impl=locked-floor executes
// only the four locked instructions that an element costs in a queue that
// claims a slot with a compare-and-swap and publishes it with a store (the
// producer's and the consumer's CAS and stamp store; sync/atomic stores are
// XCHG on amd64), with nothing else. No queue of that kind (Vyukov's,
// crossbeam's, xsync's, lockfree's) built on sync/atomic can be faster, so
// chan ÷ locked-floor bounds how far ahead of a channel such a queue can be
// when one goroutine runs at a time.
func BenchmarkQueueSequential(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=lockfree.Queue", func(b *testing.B) {
		q, err := lockfree.NewQueue[int](queueCapacity)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := q.Enqueue(ctx, i); err != nil {
				b.Fatal(err)
			}
			if _, err := q.Dequeue(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=chan", func(b *testing.B) {
		ch := make(chan int, queueCapacity)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			ch <- i
			<-ch
		}
	})
	b.Run("impl=xsync.MPMCQueue", func(b *testing.B) {
		q := xsync.NewMPMCQueue[int](queueCapacity)
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if !q.TryEnqueue(i) {
				b.Fatal("TryEnqueue failed on an empty queue")
			}
			if _, ok := q.TryDequeue(); !ok {
				b.Fatal("TryDequeue failed after an enqueue")
			}
		}
	})
	b.Run("impl=locked-floor", func(b *testing.B) {
		var tail, head, producerStamp, consumerStamp paddedWord
		b.ReportAllocs()
		for i := uint64(0); b.Loop(); i++ {
			if !atomic.CompareAndSwapUint64(&tail.v, i, i+1) {
				b.Fatal("uncontended CAS failed")
			}
			atomic.StoreUint64(&producerStamp.v, i+1)
			if !atomic.CompareAndSwapUint64(&head.v, i, i+1) {
				b.Fatal("uncontended CAS failed")
			}
			atomic.StoreUint64(&consumerStamp.v, i+2)
		}
	})
}
