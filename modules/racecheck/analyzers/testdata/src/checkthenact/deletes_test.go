package checkthenact

import (
	"sync"
	"testing"
)

type metaLeader struct{ nodeToInfo sync.Map }

func requireTrue(t *testing.T, ok bool) {
	if !ok {
		t.Fatal("expected true")
	}
}

// Near-miss (nats-server's jetstream_cluster_1_test.go): the test asserts
// the entry it takes out is there and puts it back later; it arranges the
// state it tests on its own goroutine.
func TestSpareUnknown(t *testing.T) {
	var ml metaLeader
	info, ok := ml.nodeToInfo.Load("spare")
	requireTrue(t, ok)
	ml.nodeToInfo.Delete("spare")
	ml.nodeToInfo.Store("spare", info)
}

// The same take without the assertion is reported, test or not.
func TestSpareTaken(t *testing.T) {
	var ml metaLeader
	go ml.nodeToInfo.Store("spare", 1)
	info, _ := ml.nodeToInfo.Load("spare")
	ml.nodeToInfo.Delete("spare") // want `takes the loaded entry`
	t.Log(info)
}
