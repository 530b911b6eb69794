package checkthenact

import "testing"

// Tests may store what the program never does, to see the repair work;
// that does not make the repair a race in the program.
func TestRepair(t *testing.T) {
	var d directory
	d.invokers.Store("k", "not-an-invoker")
	if d.lookup("k") != nil {
		t.Fatal("lookup returned an entry of the wrong type")
	}
}

// A test's goroutine runs on the test's own object: one per call.
func startPhpfpmForTest(g *phpfpmInput, done chan struct{}) {
	go func() {
		g.gatherLocal("unix:///tmp/php.sock")
		close(done)
	}()
}
