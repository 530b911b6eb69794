// Package fuzzcrash is a fixture whose fuzz target crashes on any non-empty input.
package fuzzcrash

import "testing"

func FuzzCrash(f *testing.F) {
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 0 {
			panic("fuzzcrash: non-empty input")
		}
	})
}

func TestFine(t *testing.T) {}
