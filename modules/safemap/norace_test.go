//go:build !race

package safemap

const raceEnabled = false
