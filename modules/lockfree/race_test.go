//go:build race

package lockfree

// raceEnabled reports whether the race detector is on; it allocates and slows
// everything, so allocation and CPU-time tests skip under it.
const raceEnabled = true
