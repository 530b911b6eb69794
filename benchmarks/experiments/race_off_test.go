//go:build !race

package experiments

// raceEnabled reports whether the test binary was built with -race, which
// allocates on its own and so invalidates allocation counts.
const raceEnabled = false
