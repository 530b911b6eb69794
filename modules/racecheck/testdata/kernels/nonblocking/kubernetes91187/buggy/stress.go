// Package kubernetes91187 reconstructs a data race in the Kubernetes e2e
// volume stress test: the goroutines that create pods in parallel all assign
// the function's single err variable.
//
//   - Project: kubernetes/kubernetes (test/e2e/storage/testsuites/volume_stress.go)
//   - Bug report and fix: https://github.com/kubernetes/kubernetes/pull/91187
//     (each goroutine uses its own error and reports it under a lock)
//   - Shape: a variable captured by goroutine closures and written by all of them.
//   - Manifests as: a race report under -race on every run.
package kubernetes91187

import (
	"fmt"
	"sync"
)

// Client creates pods.
type Client interface {
	CreatePod(name string) error
}

// CreatePods creates n pods in parallel and returns the failures.
func CreatePods(c Client, n int) []error {
	var (
		mu     sync.Mutex
		failed []error
		wg     sync.WaitGroup
		err    error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err = c.CreatePod(fmt.Sprintf("pod-%d", i))
			if err != nil {
				mu.Lock()
				failed = append(failed, err)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return failed
}
