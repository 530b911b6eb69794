// Package conformance checks that the concurrent data structures of raceproof
// and of its peers are linearizable, operation family by operation family,
// with the racecheck lincheck library, and renders the outcome as the
// correctness table in docs/correctness.md.
//
// A plain go test runs every check briefly (about 0.1s per GOMAXPROCS value
// per cell) and fails only if one of raceproof's own types violates a
// guarantee its documentation makes; violations found in peers, and in
// operations our docs say are not atomic snapshots, are logged with their
// minimal history. Setting RACEPROOF_CORRECTNESS_OUT to a file path runs
// every check longer and writes the table there; go tool mage correctness
// does that for docs/correctness.md. RACEPROOF_CORRECTNESS_BUDGET (a
// time.Duration, default 1s in that mode) sets the time per cell and
// GOMAXPROCS value.
package conformance
