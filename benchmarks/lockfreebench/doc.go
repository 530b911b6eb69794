// Package lockfreebench compares lockfree's Counter, Queue, UnboundedQueue and
// Value with the standard library and xsync.
//
// Every benchmark runs its implementations back to back inside one case (impl
// is the innermost sub-benchmark), and concurrency is set by an explicit
// goroutine-count level (goroutines=, pairs=, producers=, readers=) so that a
// result does not depend on the -cpu flag alone. ns/op is wall time divided by
// the total number of operations (elements, for the queues) across all
// goroutines, so lower is higher throughput. Reproduce the README's numbers with
//
//	go test -run '^$' -bench . -benchmem -cpu 1,2,4 -count 5 ./benchmarks/lockfreebench
package lockfreebench
