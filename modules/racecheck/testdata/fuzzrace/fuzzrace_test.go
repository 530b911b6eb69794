// Package fuzzrace is a fixture whose fuzz target races on non-empty input.
package fuzzrace

import "testing"

// Cell is a value two goroutines write without synchronization.
type Cell struct{ v int }

func (c *Cell) set(v int) { c.v = v }

func FuzzRace(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		var c Cell
		done := make(chan struct{})
		go func() {
			c.set(1)
			close(done)
		}()
		c.set(2)
		<-done
	})
}
