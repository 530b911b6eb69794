// Package benchreport turns raw `go test -bench` output into raceproof's
// benchmark report: medians and spread per case and implementation, ratios of
// our implementations (names starting with safemap., lockfree. or
// shardcache.) to every peer in the same case, Markdown tables, and SVG charts
// (throughput against goroutine count, hit ratio against cache size).
//
// Generation is deterministic: the report depends only on the raw output,
// which records the machine and the command that produced it, so anyone can
// regenerate the same bytes or feed the raw file to benchstat.
//
// Run executes the suites in rounds (one go test process per package per
// round; within a case the suites run every implementation back to back) and
// then generates the report; the repository's `go tool mage bench` calls it
// through tools/cmd/benchreport.
package benchreport
