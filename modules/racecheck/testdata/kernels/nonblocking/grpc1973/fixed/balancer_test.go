package grpc1973

import (
	"sync"
	"testing"
)

func TestClientsDialWhileEtcdClientStarts(t *testing.T) {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		if _, ok := Dial("round_robin"); !ok {
			t.Error("round_robin is not registered")
		}
	}()
	go func() {
		defer wg.Done()
		if !NewEtcdClient() {
			t.Error("the etcd balancer is not registered")
		}
	}()
	wg.Wait()
}
