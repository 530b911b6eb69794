package lincheck_test

import (
	"testing"

	"github.com/raceproof/raceproof/modules/racecheck/lincheck"
)

// BenchmarkYield measures the hook's cost when idle (every normal build) and
// when perturbing (under Options.Perturb, EnableYield or racecheck_yield).
func BenchmarkYield(b *testing.B) {
	b.Run("idle", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			lincheck.Yield()
		}
	})
	b.Run("perturbing", func(b *testing.B) {
		defer lincheck.EnableYield()()
		b.ReportAllocs()
		for b.Loop() {
			lincheck.Yield()
		}
	})
}
