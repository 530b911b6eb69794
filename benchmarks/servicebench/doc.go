// Package servicebench reproduces, honestly, the service-level table of the
// article raceproof grew from: a session-state service at fixed offered
// request rates, with latency percentiles, throughput, GC cycles per second
// and allocation per second for several implementations of its shared state.
//
// The load is open-loop: requests are scheduled at fixed intervals of the
// offered rate, and each request's latency runs from its intended send time
// to its completion, so a stall delays every request scheduled during it and
// the histogram shows that (no coordinated omission). A dispatcher goroutine
// releases due requests to a fixed pool of handler goroutines through a
// buffered channel; it paces with time.Sleep, whose granularity is about a
// millisecond on Linux, so requests are released in small bursts and their
// latency includes the wait. The "harness" implementation does no work: its
// row is the floor every other row stands on.
//
// One request does what a session service does with shared state: it looks
// up a session by key (a write replaces it with a fresh copy in 10 % of
// requests), counts the request in a counter keyed by the session, and hands
// an event to a consumer goroutine through a bounded queue. The stack under
// test varies one component at a time against the standard-library baseline
// (sessions in a sync.Map, an atomic.Int64 counter, a buffered channel).
//
// Latencies are recorded with HdrHistogram (github.com/HdrHistogram/
// hdrhistogram-go), one histogram per handler merged after the run; GC cycles
// and heap allocation come from runtime/metrics for the measurement window.
// Results are written in the Go benchmark format (one line per rate,
// implementation and round), which tools/benchreport turns into the
// service-level section of docs/benchmarks.md and its chart, and which
// benchstat reads too.
package servicebench
