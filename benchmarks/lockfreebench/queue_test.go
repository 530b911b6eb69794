package lockfreebench

import (
	"context"
	"runtime"
	"testing"

	"github.com/puzpuzpuz/xsync/v4"
	"github.com/raceproof/raceproof/modules/lockfree"
)

const queueCapacity = 1024

// runPairs moves b.N elements from p producers to p consumers.
func runPairs(b *testing.B, p int, produce func(n int), consume func(n int)) {
	runSplit(b, 2*p, func(i, _ int) {
		// Producer i and consumer i+p handle the same share, so the totals match.
		n := share(b.N, p, i%p)
		if i < p {
			produce(n)
		} else {
			consume(n)
		}
	})
}

// BenchmarkQueue measures bounded-queue throughput with 1, 2 and 4
// producer:consumer pairs at capacity 1024. lockfree.Queue uses its blocking
// Enqueue/Dequeue, chan its blocking send/receive, and xsync's MPMCQueue,
// which has only Try calls, is retried with runtime.Gosched between attempts.
func BenchmarkQueue(b *testing.B) {
	ctx := context.Background()
	for _, p := range []int{1, 2, 4} {
		b.Run(level("pairs", p), func(b *testing.B) {
			b.Run("impl=lockfree.Queue", func(b *testing.B) {
				q, err := lockfree.NewQueue[int](queueCapacity)
				if err != nil {
					b.Fatal(err)
				}
				runPairs(b, p, func(n int) {
					for i := range n {
						if err := q.Enqueue(ctx, i); err != nil {
							panic(err)
						}
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
			b.Run("impl=xsync.MPMCQueue", func(b *testing.B) {
				q := xsync.NewMPMCQueue[int](queueCapacity)
				runPairs(b, p, func(n int) {
					for i := range n {
						for !q.TryEnqueue(i) {
							runtime.Gosched()
						}
					}
				}, func(n int) {
					for range n {
						for {
							if _, ok := q.TryDequeue(); ok {
								break
							}
							runtime.Gosched()
						}
					}
				})
			})
		})
	}
}
