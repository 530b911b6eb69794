// Package conformance checks that the concurrent data structures of raceproof
// and of its peers are linearizable, operation family by operation family,
// with the racecheck lincheck library, and renders the outcome as the
// correctness table in docs/correctness.md.
//
// A plain go test runs every check briefly (about 0.1s per GOMAXPROCS value
// per cell) and fails only if one of raceproof's own types violates a
// guarantee its documentation makes; violations found in peers, and in
// operations whose documentation says they are not atomic (ours or a
// peer's, one scheme for both), are logged with their minimal history, the
// operations in it and the command that replays the cell's scenarios
// (LINCHECK_SEED). Setting RACEPROOF_CORRECTNESS_OUT to a file path runs
// every check longer and writes the table there; go tool mage correctness
// does that for docs/correctness.md. RACEPROOF_CORRECTNESS_BUDGET (a
// time.Duration, default 1s in that mode) sets the time per cell and
// GOMAXPROCS value.
//
// A violation is labelled by the operations its minimal history contains:
// a family mixes support operations into the check of its key operation, and
// a minimal history without the key operation is reported as a violation of
// the support operations that leaves the family undecided.
package conformance
