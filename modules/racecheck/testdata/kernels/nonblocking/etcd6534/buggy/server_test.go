package etcd6534

import (
	"sync/atomic"
	"testing"
)

func TestStopWhilePublishing(t *testing.T) {
	s := NewServer()
	var published atomic.Int32
	publisherDone := make(chan struct{})
	go func() {
		// The raft loop publishes attributes in the background.
		defer close(publisherDone)
		for range 3 {
			s.goAttach(func() { published.Add(1) })
		}
	}()
	select {
	case <-publisherDone:
	default:
	}
	s.Stop()
	<-publisherDone
	t.Logf("published %d times", published.Load())
}
