// Package errgroup6 reconstructs a deadlock in neilotoole/errgroup, an
// errgroup with a bounded worker pool: Wait held the group's mutex while it
// waited on the WaitGroup, and Go takes that mutex, so a running task that
// started another task (a daemon's dispatcher starting workers) blocked in
// Go, and Wait waited for that task forever.
//
//   - Project: neilotoole/errgroup (errgroup.go)
//   - Bug report: https://github.com/neilotoole/errgroup/issues/6
//   - Fix: none merged; the twin applies what the report implies: Wait
//     releases the mutex before waiting.
//   - Shape: WaitGroup.Wait called while holding a mutex that the goroutines
//     being waited for need.
//   - Fixed twin: Wait waits on the WaitGroup without holding the mutex and
//     takes it only to read the error, so a task can always start another task
//     while Wait waits.
package errgroup6

import "sync"

// Group runs tasks and collects the first error.
type Group struct {
	mu      sync.Mutex
	wg      sync.WaitGroup
	started int
	err     error
}

// Go runs f in a new goroutine.
func (g *Group) Go(f func() error) {
	g.mu.Lock()
	g.started++
	g.wg.Add(1)
	g.mu.Unlock()
	go func() {
		defer g.wg.Done()
		if err := f(); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
		}
	}()
}

// Wait waits for every task, including tasks started by tasks, and returns
// the first error.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.err
}
