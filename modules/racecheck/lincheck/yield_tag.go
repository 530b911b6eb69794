//go:build racecheck_yield

package lincheck

// yieldAlways makes Yield perturb the schedule in builds with the
// racecheck_yield tag.
const yieldAlways = true
