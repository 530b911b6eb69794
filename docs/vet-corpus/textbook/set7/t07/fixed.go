// Fix: Enqueue holds the read lock across both the closed check and the send,
// and Close takes the write lock before setting the flag and closing the
// channel, so no send can be in progress or start after the close. Senders
// blocked on a full queue still finish because the workers keep draining it
// until the channel is closed.

package t07

import "context"

// EnqueueFixed queues e for delivery, waiting for room until ctx is done.
func (q *Queue) EnqueueFixed(ctx context.Context, e Email) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return ErrClosed
	}
	select {
	case q.jobs <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
