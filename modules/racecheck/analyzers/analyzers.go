// Package analyzers collects the racecheck static analyzers: checks for
// concurrency bugs that the race detector cannot see because every single
// memory access is synchronised while the sequence of them is not.
//
//   - [checkthenact.Analyzer]: a Load from a sync.Map-like map followed by a
//     dependent Store/Swap/Delete of the same key, not atomic with it.
//   - [sharedpointer.Analyzer]: an atomic Store/Swap of a pointer to a
//     variable that is written again.
//   - [rangewrite.Analyzer]: a plain map ranged over by one goroutine of a
//     function while another writes it.
//   - [callbackreentry.Analyzer]: a safemap.Map Compute/LoadOrCompute/Update
//     callback that calls a write method of the same map.
//   - [readlockwrite.Analyzer]: a field or Go map written while only the
//     read lock of the sync.RWMutex that guards it is held.
//
// Run them with `racecheck vet ./...`, with
// `go vet -vettool=$(which racecheck-vet) ./...`, or with `go tool mage lint`.
package analyzers

import (
	"golang.org/x/tools/go/analysis"

	"github.com/raceproof/raceproof/modules/racecheck/analyzers/callbackreentry"
	"github.com/raceproof/raceproof/modules/racecheck/analyzers/checkthenact"
	"github.com/raceproof/raceproof/modules/racecheck/analyzers/rangewrite"
	"github.com/raceproof/raceproof/modules/racecheck/analyzers/readlockwrite"
	"github.com/raceproof/raceproof/modules/racecheck/analyzers/sharedpointer"
)

// All is every racecheck analyzer, in a fixed order. Callers must not modify
// it.
var All = []*analysis.Analyzer{
	checkthenact.Analyzer,
	sharedpointer.Analyzer,
	rangewrite.Analyzer,
	callbackreentry.Analyzer,
	readlockwrite.Analyzer,
}
