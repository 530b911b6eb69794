package etcd10863

import (
	"sync"
	"testing"
)

func TestProgressRequestWhileWatching(t *testing.T) {
	var w Watcher
	defer w.Close()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		w.Watch("ctx")
	}()
	go func() {
		defer wg.Done()
		if err := w.RequestProgress("ctx"); err != nil {
			t.Logf("progress request before the watch: %v", err)
		}
	}()
	wg.Wait()
}
