// Package benchreport turns raw `go test -bench` output into raceproof's
// benchmark report: medians with 95 % confidence intervals per case and
// implementation (golang.org/x/perf/benchmath, as benchstat computes them),
// ratios of our implementations (names starting with safemap., lockfree. or
// shardcache.) to every peer in the same case with a significance test,
// Markdown tables, and SVG charts with error bars (throughput against
// goroutine count, hit ratio against cache size). It also renders the
// service-level section from benchmarks/servicebench's output.
//
// Generation is deterministic: the report depends only on the raw output,
// which records the machine, the peers' versions and the command that
// produced it, so anyone can regenerate the same bytes or feed the raw files
// to benchstat.
//
// Run executes the suites in rounds (one go test process per package per
// round; within a case the suites run every implementation back to back),
// writes one raw file per run and then generates the report from all run
// files, each result from the newest run that measured it; the
// repository's `go tool mage bench` calls it through tools/cmd/benchreport.
package benchreport
