package teleport45839

import (
	"runtime"
	"testing"
	"time"
)

func TestWatchReportsInitEvent(t *testing.T) {
	w := NewWatcher(150 * time.Microsecond)
	for range 4 {
		events := make(chan string, 1)
		w.Watch(events)
		// The backend emits its init event after a little work.
		for range 3 {
			runtime.Gosched()
		}
		events <- "init"
	}
}
