// Package racecheck is the root of raceproof's race and fuzz tooling module.
//
// The module's packages:
//
//   - cmd/racecheck: the racecheck command, which runs a workspace's tests
//     under the race detector and every fuzz target one at a time, and
//     reports races, failing tests and fuzz crashers as JSON, JUnit XML,
//     SARIF 2.1.0, GitLab Code Quality and GitHub annotations.
//   - runner: that logic as a library, plus the gofmt, vet and GOWORK=off
//     steps of raceproof's test pipeline.
//   - report: the findings model (schema racecheck/v2) and its writers.
//   - magefile: mage targets (test, gofmt, vet, tidy, race, standalone,
//     fuzz, pipeline) for any magefile to import with //mage:import.
//   - analyzers, vet, cmd/racecheck-vet: static analyzers for concurrency
//     mistakes.
//
// Two libraries live below it as modules of their own, so that importing
// them brings in nothing of the command's dependencies: lincheck
// (linearizability testing of concurrent types) and leakcheck (goroutine
// leak and deadlock detection for packages with their own TestMain).
package racecheck
