package gocni82

import (
	"sync"
	"testing"
)

func TestSetupPodNetworksInParallel(t *testing.T) {
	c := NewConfig()
	results := make([]string, 2)
	var wg sync.WaitGroup
	for i, plugin := range []string{"loopback", "bridge"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = c.AddNetwork(plugin, "/var/run/netns/pod1")
		}()
	}
	wg.Wait()
	if results[0] != "loopback@/var/run/netns/pod1" || results[1] != "bridge@/var/run/netns/pod1" {
		t.Fatalf("results = %v", results)
	}
}
