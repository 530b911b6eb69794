package experiments

import (
	"errors"
	"fmt"
	"regexp"
	"testing"
	"time"
)

// Claim 2: "Deleted sync.Map entries keep their memory until about 256 missed
// loads promote the dirty map."
// Verdict: false since Go 1.24 (sync.Map is a HashTrieMap with no read/dirty
// split: Delete unlinks the entry at once). Before 1.24 it was partly true:
// Delete of a key in the read map cleared the value pointer at once; only the
// key and its entry stayed, until a Store started a new dirty map and
// len(dirty) misses (not 256) promoted it.
//
// testdata/syncmapdelete makes the deleted entry reach the read map first (the
// old implementation only keeps keys there), then reports after each step
// whether the key and value were collected. It runs on this toolchain and on
// Go 1.23 (GOTOOLCHAIN=go1.23.12); the Go 1.23 run is also the configuration
// in which the "collected at once" result cannot occur, so it shows that the
// experiment can fail.

var claim2Lines = regexp.MustCompile(`(?s)^(go\S+)\n` +
	`after Delete, no loads: key collected=(true|false) value collected=(true|false) control alive=(true|false)\n` +
	`after 256 missed loads: key collected=(true|false)\n` +
	`after one Store and (\d+) missed loads: key collected=(true|false)\n$`)

// claim2Result is what testdata/syncmapdelete observed.
type claim2Result struct {
	goVersion                           string
	keyAtDelete, valueAtDelete, control bool
	keyAfter256, keyAfterPromotion      bool
	promotionMisses                     string
}

func parseClaim2(out string) (claim2Result, error) {
	m := claim2Lines.FindStringSubmatch(out)
	if m == nil {
		return claim2Result{}, fmt.Errorf("unexpected output of syncmapdelete: %q", out)
	}
	return claim2Result{goVersion: m[1], keyAtDelete: m[2] == "true", valueAtDelete: m[3] == "true",
		control: m[4] == "true", keyAfter256: m[5] == "true", promotionMisses: m[6], keyAfterPromotion: m[7] == "true"}, nil
}

// collectedAtOnce is the verdict for Go 1.24 and later: key and value are
// garbage right after Delete, with no loads at all.
func (r claim2Result) collectedAtOnce() error {
	if !r.control {
		return inconclusive("the control entry, still in the map, was collected: finalizers cannot tell reachable from collected here")
	}
	if !r.keyAtDelete || !r.valueAtDelete {
		return fmt.Errorf("%s: after Delete and GC, key collected=%v value collected=%v, want both", r.goVersion, r.keyAtDelete, r.valueAtDelete)
	}
	return nil
}

// keyWaitsForPromotion is the verdict for Go 1.23: the value is garbage at
// once, the key survives 256 missed loads and goes once a Store and
// len(dirty) misses promote a new dirty map.
func (r claim2Result) keyWaitsForPromotion() error {
	if !r.control {
		return inconclusive("the control entry, still in the map, was collected")
	}
	var errs []error
	if !r.valueAtDelete {
		errs = append(errs, errors.New("the value was not collected after Delete"))
	}
	if r.keyAtDelete || r.keyAfter256 {
		errs = append(errs, fmt.Errorf("the key was collected before the dirty map was promoted (at Delete: %v, after 256 misses: %v)", r.keyAtDelete, r.keyAfter256))
	}
	if !r.keyAfterPromotion {
		errs = append(errs, fmt.Errorf("the key was still reachable after a Store and %s misses", r.promotionMisses))
	}
	return errors.Join(errs...)
}

func runClaim2(t *testing.T, exe string) claim2Result {
	t.Helper()
	res := runProgram(t, exe, time.Minute, nil)
	t.Logf("\n%s", res.Stdout)
	if res.ExitCode != 0 {
		t.Fatalf("exit code %d: %s", res.ExitCode, res.Stderr)
	}
	r, err := parseClaim2(res.Stdout)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestClaim2DeletedEntryIsCollectableAtOnce(t *testing.T) {
	r := runClaim2(t, buildProgram(t, "syncmapdelete"))
	conclude(t, r.collectedAtOnce())
}

// TestClaim2Go123KeepsTheKeyUntilPromotion runs the same program on Go 1.23,
// where the verdict above must fail and the old behaviour must show.
func TestClaim2Go123KeepsTheKeyUntilPromotion(t *testing.T) {
	r := runClaim2(t, buildWithToolchain(t, oldGo, "syncmapdelete"))
	if err := r.collectedAtOnce(); err == nil {
		t.Errorf("%s: the Go 1.24+ verdict (collected at once) passed on the old sync.Map: the experiment cannot tell them apart", r.goVersion)
	} else {
		t.Logf("the Go 1.24+ verdict fails here, as it must: %v", err)
	}
	conclude(t, r.keyWaitsForPromotion())
}
