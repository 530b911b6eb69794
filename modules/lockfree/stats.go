package lockfree

import "github.com/raceproof/raceproof/modules/lockfree/internal/cacheline"

// QueueStats reports contention on a Queue or UnboundedQueue since it was
// created. The counts are cumulative and read without stopping the queue, so
// while operations run they are approximate (see Counter.Load).
type QueueStats struct {
	// EnqueueRetries counts compare-and-swap attempts on the tail that lost to
	// another producer and were retried.
	EnqueueRetries int64
	// DequeueRetries counts compare-and-swap attempts on the head that lost to
	// another consumer and were retried.
	DequeueRetries int64
	// EnqueueParks counts the times a blocking Enqueue parked waiting for room
	// (always 0 for an UnboundedQueue, whose Enqueue never waits).
	EnqueueParks int64
	// DequeueParks counts the times a blocking Dequeue parked waiting for an
	// element.
	DequeueParks int64
}

// queueStats holds the counters behind QueueStats. They are only touched on
// slow paths (a lost compare-and-swap, a park), and they are Counters, so a
// burst of contention spreads over stripes instead of adding a shared hot line.
type queueStats struct {
	_              [cacheline.Size]byte
	enqueueRetries Counter
	dequeueRetries Counter
	enqueueParks   Counter
	dequeueParks   Counter
}

func (s *queueStats) snapshot() QueueStats {
	return QueueStats{
		EnqueueRetries: s.enqueueRetries.Load(),
		DequeueRetries: s.dequeueRetries.Load(),
		EnqueueParks:   s.enqueueParks.Load(),
		DequeueParks:   s.dequeueParks.Load(),
	}
}
