package prometheus1432

import (
	"sync"
	"testing"
)

func TestReloadWhileServingStatus(t *testing.T) {
	tm := NewTargetManager(map[string][]string{
		"node":       {"a:9100", "b:9100"},
		"prometheus": {"localhost:9090"},
	})
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range 20 {
			tm.Pools()
		}
	}()
	go func() {
		defer wg.Done()
		for range 20 {
			tm.ApplyConfig("node", []string{"a:9100"})
		}
	}()
	wg.Wait()
}
