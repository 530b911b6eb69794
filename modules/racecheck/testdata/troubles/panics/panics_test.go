// Package panics is a fixture whose test panics.
package panics

import "testing"

func TestPanics(t *testing.T) {
	var m map[string]int
	m["boom"] = 1
}
