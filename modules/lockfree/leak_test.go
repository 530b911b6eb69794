package lockfree

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"go.uber.org/goleak"
)

// TestCloseLeavesNoGoroutines parks consumers and producers on both queue
// types, closes the queues, and checks with goleak that every one of them
// returned.
func TestCloseLeavesNoGoroutines(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	q, err := NewQueue[int](1)
	assert.NoError(t, err)
	full, err := NewQueue[int](1)
	assert.NoError(t, err)
	assert.True(t, full.TryEnqueue(0))
	var uq UnboundedQueue[int]
	var wg sync.WaitGroup
	for range 10 {
		wg.Go(func() { _, _ = q.Dequeue(context.Background()) })
		wg.Go(func() { _ = full.Enqueue(context.Background(), 1) })
		wg.Go(func() { _, _ = uq.Dequeue(context.Background()) })
	}
	waitParked(t, q.notEmpty.Len, 10)
	waitParked(t, full.notFull.Len, 10)
	waitParked(t, uq.notEmpty.Len, 10)
	q.Close()
	full.Close()
	uq.Close()
	wg.Wait()
}
