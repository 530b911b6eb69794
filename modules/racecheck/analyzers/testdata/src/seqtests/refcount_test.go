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

// A check-then-act inside the one goroutine a test starts, on a map
// nothing else in the test names: nothing in the test runs beside it
// that could act on the key (mochi-mqtt's TestServerSendLWTDelayed, and
// wind-c/comqtt's copy of it, were false alarms). Not reported.
func TestRefcountInOneGoroutine(t *testing.T) {
	m := &RefcountMap{}
	out := make(chan int)
	go func() {
		if _, ok := m.m.Load("k"); !ok {
			m.m.Store("k", &refcounted{count: 1})
		}
		out <- 1
	}()
	reader := make(chan int)
	go func() { reader <- <-out }()
	<-reader
}

// The same, but the test body names the map too, beside the goroutine:
// reported.
func TestRefcountBesideGoroutine(t *testing.T) {
	m := &RefcountMap{}
	done := make(chan struct{})
	go func() {
		if _, ok := m.m.Load("k"); !ok {
			m.m.Store("k", &refcounted{count: 1}) // want `m.m.Store\("k"\) after m.m.Load\("k"\) on line \d+ runs only when the check found no entry`
		}
		close(done)
	}()
	m.m.Store("k", &refcounted{count: 2})
	<-done
}

// The same goroutine started in a loop: its copies race each other.
func TestRefcountGoroutines(t *testing.T) {
	m := &RefcountMap{}
	done := make(chan struct{}, 2)
	for range 2 {
		go func() {
			if _, ok := m.m.Load("k"); !ok {
				m.m.Store("k", &refcounted{count: 1}) // want `m.m.Store\("k"\) after m.m.Load\("k"\) on line \d+ runs only when the check found no entry`
			}
			done <- struct{}{}
		}()
	}
	<-done
	<-done
}
