package lockfree

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestZeroQueuePanicsNamingNewQueue checks what a zero Queue does: it has
// no ring to hold elements, so every enqueue and dequeue panics with a
// message that says to use NewQueue (it used to panic with "index out of
// range [0] with length 0"); Len, Cap, Stats and Close are harmless.
func TestZeroQueuePanicsNamingNewQueue(t *testing.T) {
	const msg = "lockfree: Queue used without NewQueue (the zero Queue has no capacity)"
	ctx := context.Background()
	for name, op := range map[string]func(q *Queue[int]){
		"TryEnqueue": func(q *Queue[int]) { q.TryEnqueue(1) },
		"TryDequeue": func(q *Queue[int]) { q.TryDequeue() },
		"Enqueue":    func(q *Queue[int]) { _ = q.Enqueue(ctx, 1) },
		"Dequeue":    func(q *Queue[int]) { _, _ = q.Dequeue(ctx) },
	} {
		t.Run(name, func(t *testing.T) {
			var q Queue[int]
			assert.PanicsWithValue(t, msg, func() { op(&q) })
		})
	}
	var q Queue[int]
	assert.Zero(t, q.Len())
	assert.Zero(t, q.Cap())
	assert.Zero(t, q.Stats())
	assert.NotPanics(t, q.Close)
}
