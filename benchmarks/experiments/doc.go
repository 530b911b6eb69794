// Package experiments holds one runnable experiment per claim examined in
// docs/sync-map-guide.md. Each claimN_*_test.go file proves or refutes one
// claim; experiments that must race or crash on purpose run a small program
// from testdata/ in a separate, time-bounded process so the suite itself stays
// race-free and green under `go test -race`.
//
// Run them all with:
//
//	cd benchmarks && go test -v -count=1 ./experiments/
//
// and the claim 6 benchmark with:
//
//	cd benchmarks && go test -run '^$' -bench Claim6 -benchmem ./experiments/
package experiments
