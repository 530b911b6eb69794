// Package leak leaks goroutines: one blocked on a send nobody receives after
// a timeout, one started by library code.
package leak

import "time"

// Fetch returns the result of work, or false when it takes longer than
// timeout. The worker's send blocks forever after a timeout: the channel
// is unbuffered and nobody receives any more.
func Fetch(work func() int, timeout time.Duration) (int, bool) {
	ch := make(chan int)
	go func() { ch <- work() }()
	select {
	case v := <-ch:
		return v, true
	case <-time.After(timeout):
		return 0, false
	}
}
