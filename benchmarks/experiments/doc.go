// Package experiments holds one runnable experiment per claim examined in
// docs/sync-map-guide.md. Each claimN_*_test.go file proves or refutes one
// claim; experiments that must race or crash on purpose run a small program
// from testdata/ in a separate, time-bounded process.
//
// Every experiment can fail, and each file says how: a verdict function
// decides from the measurements, and a TestClaimN...Fails... (or
// ...Inconclusive...) test runs the same experiment in a configuration where
// the effect cannot occur and checks that the verdict does not pass. Where an
// effect needs a control to be visible at all (plain variables must reorder
// before "atomics never reorder" means anything; the race detector must
// report a deliberate race), a run whose control shows nothing is skipped as
// INCONCLUSIVE, never passed.
//
// Claims about Go 1.23 (2 and 7) also run on Go 1.23: the go command fetches
// that toolchain through the module proxy (GOTOOLCHAIN=go1.23.12) and caches
// it in the module cache; when it cannot be downloaded those tests skip and
// say so. Claims 9 and 10 have parts only the race detector can check; they
// skip without -race. Run them all with:
//
//	cd benchmarks && go test -race -v -count=1 ./experiments/
//
// and the claim 6 measurement (a benchmark; it asserts nothing) with:
//
//	cd benchmarks && go test -run '^$' -bench Claim6 -benchmem -cpu 1,2 ./experiments/
package experiments
