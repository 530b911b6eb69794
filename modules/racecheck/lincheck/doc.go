// Package lincheck tests that a concurrent data structure is linearizable: that
// every history of concurrent calls it produces could have been produced by some
// sequential execution of a model, with each call taking effect at one instant
// between its invocation and its return.
//
// The race detector finds unsynchronized memory accesses, not atomicity bugs: a
// LoadOrStore made of a locked Load followed by a locked Store passes -race and
// still hands two callers different values. lincheck finds such bugs by running
// many short generated scenarios against the implementation, recording every
// call and return on a shared logical clock, and checking each history against a
// sequential [Model] with the porcupine checker
// (github.com/anishathalye/porcupine).
//
// The pieces:
//
//   - [Model] is a typed sequential specification. [MapModel], [CounterModel],
//     [QueueModel], [SetModel] and [RegisterModel] are built in, with
//     partitioners so independent keys are checked independently.
//   - [CheckHistory] checks one recorded [History] against a model.
//   - [Run] is the stress runner: it generates a [Scenario] per round (an initial
//     sequential part, a parallel part on several goroutines released together
//     by a barrier, a final sequential part), executes it, checks it, and on a
//     violation minimises the scenario to the fewest operations that still fail.
//   - [Check] wraps [Run] for tests: it logs a readable history of a violation,
//     writes the history as JSON and porcupine's HTML visualisation as test
//     artifacts, and announces their paths with testing.TB.Attr.
//   - [Yield] is a schedule-perturbation hook for implementations to call inside
//     their critical windows.
//
// Every result is one of three verdicts: [Linearizable], [Violation] or
// [Unknown] (the checker ran out of time, which is neither a pass nor a fail).
// Scenarios are derived from a seed, so a run with the same [Options.Seed]
// replays the same scenarios; interleavings still depend on the scheduler.
package lincheck
