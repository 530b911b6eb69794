// Package kubernetes114070 reconstructs a goroutine leak in the etcd
// migration server of Kubernetes: Stop starts a timer goroutine that reports
// the end of the grace period on an unbuffered channel, and a watcher that
// kills the process when that report arrives; when the process exits first,
// the watcher returns and the timer goroutine's send has no receiver.
//
//   - Project: kubernetes/kubernetes (cluster/images/etcd/migrate)
//   - Bug report: https://github.com/kubernetes/kubernetes/issues/114070
//   - Fix: https://github.com/kubernetes/kubernetes/pull/114071 (the timeout channel gets a buffer of one)
//   - Shape: a timer goroutine sends on an unbuffered channel after its only
//     receiver has taken the other select case and returned.
//   - Manifests as: a leaked goroutine blocked in chan send on the runs where the
//     process stops within the grace period; the test passes.
package kubernetes114070

import "time"

// Process is the supervised server process.
type Process interface {
	// Wait blocks until the process has exited.
	Wait() error
	// Kill makes the process exit now.
	Kill()
}

// Stop waits for p to exit, killing it if it is still running after grace.
func Stop(p Process, grace time.Duration) error {
	stopped := make(chan struct{}, 1)
	timedout := make(chan struct{})
	go func() {
		time.Sleep(grace)
		timedout <- struct{}{}
	}()
	go func() {
		select {
		case <-stopped:
		case <-timedout:
			p.Kill()
		}
	}()
	err := p.Wait()
	stopped <- struct{}{}
	return err
}
