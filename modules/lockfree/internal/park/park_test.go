package park

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func received(w *Waiter) bool {
	select {
	case <-w.C():
		return true
	default:
		return false
	}
}

func TestNotifyOneIsFIFO(t *testing.T) {
	var l List
	l.NotifyOne() // nobody parked: a no-op
	a, b, c := l.Enlist(), l.Enlist(), l.Enlist()
	require.Equal(t, 3, l.Len())
	l.NotifyOne()
	assert.True(t, received(a))
	assert.False(t, received(b))
	l.NotifyOne()
	assert.True(t, received(b))
	assert.Equal(t, 1, l.Len())
	assert.False(t, l.Cancel(c), "c was never notified")
	assert.Equal(t, 0, l.Len())
	l.Release(a)
	l.Release(b)
}

func TestCancelReportsConsumedNotification(t *testing.T) {
	var l List
	a, b := l.Enlist(), l.Enlist()
	l.NotifyOne() // chooses a
	require.True(t, l.Cancel(a), "a was notified and gives up: the caller must pass it on")
	l.NotifyOne()
	assert.True(t, received(b), "the passed-on notification reaches b")
	l.Release(b)
	assert.Equal(t, 0, l.Len())
}

func TestCancelFromMiddleAndNotifyAll(t *testing.T) {
	var l List
	ws := []*Waiter{l.Enlist(), l.Enlist(), l.Enlist(), l.Enlist()}
	assert.False(t, l.Cancel(ws[1]))
	assert.False(t, l.Cancel(ws[3]))
	l.NotifyAll()
	assert.True(t, received(ws[0]))
	assert.True(t, received(ws[2]))
	assert.Equal(t, 0, l.Len())
	l.NotifyAll() // empty: a no-op
	// Reused waiters start with an empty channel.
	w := l.Enlist()
	assert.False(t, received(w))
	assert.False(t, l.Cancel(w))
}
