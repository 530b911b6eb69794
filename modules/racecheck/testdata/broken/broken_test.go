package broken

import "testing"

func FuzzBroken(f *testing.F) {
	f.Fuzz(func(t *testing.T, n int) { _ = Broken() + n })
}
