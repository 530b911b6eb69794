// Package knative4765 reconstructs a data race in Knative Serving's probe
// tests: the fake server's handler counted probes in a plain variable, and
// the queue proxy's prober retries a probe that times out while the earlier
// probe's handler may still be running in its own goroutine (as every HTTP
// handler does), so two handlers, or a handler and the test, touch the
// counter at once.
//
//   - Project: knative/serving (cmd/queue probe tests)
//   - Bug report: https://github.com/knative/serving/issues/4765
//   - Fix: https://github.com/knative/serving/pull/4786 (the counters become atomic)
//   - Shape: a counter written by callbacks that run on other goroutines,
//     read by the test without synchronisation.
//   - Fixed twin: the test counts probes with an atomic counter (the upstream
//     fix).
package knative4765

import "time"

// ProbeUntilReady probes until handler reports ready, giving the first probe
// timeout before it retries and doubling the timeout on every retry; each
// probe's handler runs in its own goroutine, as an HTTP server runs it.
func ProbeUntilReady(handler func() bool, timeout time.Duration, tries int) bool {
	for range tries {
		res := make(chan bool, 1)
		go func() { res <- handler() }()
		t := time.NewTimer(timeout)
		select {
		case ready := <-res:
			t.Stop()
			if ready {
				return true
			}
		case <-t.C:
		}
		timeout *= 2
	}
	return false
}
