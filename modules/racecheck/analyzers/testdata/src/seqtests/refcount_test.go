package seqtests

import "testing"

// A test helper checking counts with Load, then Delete, starting no
// goroutine: not reported.
func checkRefcount(t *testing.T, m *RefcountMap, key string, want int) {
	t.Helper()
	client, found := m.Load(key)
	m.Delete(key)
	if want == 0 && found {
		t.Fatalf("found %v", client)
	}
	for i := want; i > 0; i-- {
		m.Delete(key)
	}
}

func TestRefcount(t *testing.T) {
	m := &RefcountMap{}
	m.Store("k", 1)
	checkRefcount(t, m, "k", 1)
}

// A test that starts a goroutine: its check-then-act can meet another.
func TestRefcountConcurrent(t *testing.T) {
	m := &RefcountMap{}
	done := make(chan struct{})
	go func() {
		m.Store("k", 2)
		close(done)
	}()
	if _, ok := m.m.Load("k"); !ok {
		m.m.Store("k", &refcounted{count: 1}) // want `m.m.Store\("k"\) after m.m.Load\("k"\) on line 33 runs only when the check found no entry`
	}
	<-done
}
