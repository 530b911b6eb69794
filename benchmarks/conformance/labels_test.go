package conformance

import (
	"slices"
	"strings"
	"testing"
)

// The histories below were published under haxmap's "CompareAndSwap" and
// "Clear" rows although they contain neither operation; the table must now
// label them by what they contain.
const (
	historyWithoutCAS = `  parallel:
    g2 [1, 4] Store(1, 1)
    g1 [2, 3] Delete(1)
    g2 [5, 6] Store(1, 2)
    g2 [7, 8] Load(1) -> (0, false)
`
	historyWithClear = `  parallel:
    g2 [ 1,  2] Store(2, 1)
    g3 [ 3, 10] Clear()
    g2 [ 4,  5] Load(1) -> (0, false)
`
)

func TestViolationsAreLabelledByTheirOperations(t *testing.T) {
	if got := historyOps(historyWithoutCAS); !slices.Equal(got, []string{"Store", "Delete", "Load"}) {
		t.Errorf("historyOps = %v", got)
	}
	cas := cell{group: "Maps", family: "CompareAndSwap", impl: "haxmap", test: "TestConformanceMaps",
		keyOps: []string{"CompareAndSwap"}, history: historyWithoutCAS}
	if cas.involvesKeyOp() {
		t.Error("a history without CompareAndSwap counted as a CompareAndSwap violation")
	}
	if m := cas.mark(); !strings.HasPrefix(m, "undecided: a violation of Store, Delete, Load (not documented)") {
		t.Errorf("mark = %q", m)
	}
	clear := cell{group: "Maps", family: "Clear", impl: "cmap", test: "TestConformanceMaps",
		keyOps: []string{"Clear"}, history: historyWithClear, documented: "quoted"}
	if !clear.involvesKeyOp() {
		t.Error("a history with Clear not counted as a Clear violation")
	}
	if m := clear.mark(); !strings.HasPrefix(m, "**violation** of Store, Clear, Load (documented)") {
		t.Errorf("mark = %q", m)
	}
}

func TestReplayCommandSelectsExactlyTheCell(t *testing.T) {
	c := cell{family: "FIFO, exactly once (capacity 64, never full)", impl: "xsync.MPMCQueue", test: "TestConformanceQueues", seed: 42}
	want := `cd benchmarks && LINCHECK_SEED=42 go test -count=1 -v -run '^TestConformanceQueues$/^FIFO,_exactly_once_\(capacity_64,_never_full\)$/^impl=xsync\.MPMCQueue$' ./conformance/`
	if got := c.replay(); got != want {
		t.Errorf("replay =\n%s\nwant\n%s", got, want)
	}
}
