//go:build unix

package lockfree

import (
	"context"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func cpuTime(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	require.NoError(t, syscall.Getrusage(syscall.RUSAGE_SELF, &ru))
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestParkedWaitersUseNoCPU parks 100 consumers (50 on a Queue, 50 on an
// UnboundedQueue) for about a second and measures the process's CPU time
// meanwhile. A spinning implementation would burn at least one core for the
// whole second; parked goroutines burn nothing. The bound, a quarter of the
// wall time of one core, leaves a wide margin for the runtime's own
// background work on a loaded machine.
func TestParkedWaitersUseNoCPU(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's own background work makes process CPU time meaningless")
	}
	if testing.Short() {
		t.Skip("takes a second")
	}
	q, err := NewQueue[int](8)
	require.NoError(t, err)
	var uq UnboundedQueue[int]
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() { _, _ = q.Dequeue(context.Background()) })
		wg.Go(func() { _, _ = uq.Dequeue(context.Background()) })
	}
	waitParked(t, q.notEmpty.Len, 50)
	waitParked(t, uq.notEmpty.Len, 50)
	runtime.GC()

	startCPU, start := cpuTime(t), time.Now()
	time.Sleep(time.Second)
	usedCPU, wall := cpuTime(t)-startCPU, time.Since(start)

	require.Equal(t, 50, q.notEmpty.Len(), "every consumer stayed parked")
	require.Equal(t, 50, uq.notEmpty.Len(), "every consumer stayed parked")
	q.Close()
	uq.Close()
	wg.Wait()
	t.Logf("100 parked consumers: %v CPU over %v wall", usedCPU, wall)
	require.Less(t, usedCPU, wall/4, "parked consumers must not burn CPU")
}
