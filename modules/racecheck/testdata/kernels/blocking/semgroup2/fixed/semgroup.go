// Package semgroup2 reconstructs a deadlock in fatih/semgroup, a bounded
// errgroup: Go added to the WaitGroup before acquiring the semaphore and
// returned early when the acquisition failed because the context was done,
// without calling Done, so Wait never returned.
//
//   - Project: fatih/semgroup (semgroup.go)
//   - Bug report and fix: https://github.com/fatih/semgroup/pull/2
//     (Done is called when Acquire fails, and the error is recorded)
//   - Shape: WaitGroup.Done missing on an error path between Add and the go
//     statement.
//   - Fixed twin: Go calls Done when the acquisition fails (the upstream fix),
//     so Wait returns with the recorded context error.
package semgroup2

import (
	"context"
	"errors"
	"sync"
)

// Group runs at most a fixed number of tasks at once.
type Group struct {
	ctx  context.Context
	sem  chan struct{}
	wg   sync.WaitGroup
	mu   sync.Mutex
	errs []error
}

// NewGroup returns a group that runs at most limit tasks at once.
func NewGroup(ctx context.Context, limit int) *Group {
	return &Group{ctx: ctx, sem: make(chan struct{}, limit)}
}

func (g *Group) acquire() error {
	select {
	case g.sem <- struct{}{}:
		return nil
	case <-g.ctx.Done():
		return g.ctx.Err()
	}
}

func (g *Group) addErr(err error) {
	g.mu.Lock()
	g.errs = append(g.errs, err)
	g.mu.Unlock()
}

// Go runs f once a slot is free.
func (g *Group) Go(f func() error) {
	g.wg.Add(1)
	if err := g.acquire(); err != nil {
		g.wg.Done()
		g.addErr(err)
		return
	}
	go func() {
		defer g.wg.Done()
		defer func() { <-g.sem }()
		if err := f(); err != nil {
			g.addErr(err)
		}
	}()
}

// Wait waits for every task and returns their errors.
func (g *Group) Wait() error {
	g.wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	return errors.Join(g.errs...)
}
