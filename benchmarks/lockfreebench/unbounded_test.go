package lockfreebench

import (
	"context"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

// BenchmarkUnboundedQueue measures unbounded-queue throughput. MPMC uses p
// producers and p consumers; MPSC uses p producers and one consumer, the only
// shape xsync's UMPSCQueue supports. Go has no unbounded channel, so chan is a
// buffered channel of capacity 1024 (its producers may block; the unbounded
// queues' never do).
func BenchmarkUnboundedQueue(b *testing.B) {
	ctx := context.Background()
	for _, p := range []int{1, 2, 4} {
		b.Run("shape=MPMC/"+level("pairs", p), func(b *testing.B) {
			b.Run("impl=lockfree.UnboundedQueue", func(b *testing.B) {
				var q lockfree.UnboundedQueue[int]
				runPairs(b, p, func(n int) {
					for i := range n {
						q.Enqueue(i)
					}
				}, func(n int) {
					for range n {
						if _, err := q.Dequeue(ctx); err != nil {
							panic(err)
						}
					}
				})
			})
			b.Run("impl=chan", func(b *testing.B) {
				ch := make(chan int, queueCapacity)
				runPairs(b, p, func(n int) {
					for i := range n {
						ch <- i
					}
				}, func(n int) {
					for range n {
						<-ch
					}
				})
			})
		})
	}
	for _, p := range []int{1, 2, 4} {
		b.Run("shape=MPSC/"+level("producers", p), func(b *testing.B) {
			// Goroutine p is the consumer; it takes all b.N elements.
			mpsc := func(b *testing.B, produce func(n int), consume func(n int)) {
				runSplit(b, p+1, func(i, _ int) {
					if i == p {
						consume(b.N)
						return
					}
					produce(share(b.N, p, i))
				})
			}
			b.Run("impl=lockfree.UnboundedQueue", func(b *testing.B) {
				var q lockfree.UnboundedQueue[int]
				mpsc(b, func(n int) {
					for i := range n {
						q.Enqueue(i)
					}
				}, func(n int) {
					for range n {
						if _, err := q.Dequeue(ctx); err != nil {
							panic(err)
						}
					}
				})
			})
			b.Run("impl=chan", func(b *testing.B) {
				ch := make(chan int, queueCapacity)
				mpsc(b, func(n int) {
					for i := range n {
						ch <- i
					}
				}, func(n int) {
					for range n {
						<-ch
					}
				})
			})
			b.Run("impl=xsync.UMPSCQueue", func(b *testing.B) {
				q := xsync.NewUMPSCQueue[int]()
				mpsc(b, func(n int) {
					for i := range n {
						q.Enqueue(i)
					}
				}, func(n int) {
					for range n {
						q.Dequeue()
					}
				})
			})
		})
	}
}
