package etcd3972

import (
	"sync"
	"testing"
)

func TestTwoClientsWatchOneKey(t *testing.T) {
	var wh WatcherHub
	ws := []*Watcher{wh.Watch("/registry/"), wh.Watch("/registry/pods/")}
	want := []string{"pods/p1", "p1"}
	var wg sync.WaitGroup
	for i, w := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if got := w.Next().Key; got != want[i] {
				t.Errorf("watcher %d got key %q, want %q", i, got, want[i])
			}
		}()
	}
	wh.Notify(&Event{Action: "set", Key: "/registry/pods/p1", Index: 7})
	wg.Wait()
}
