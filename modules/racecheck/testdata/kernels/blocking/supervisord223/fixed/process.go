// Package supervisord223 reconstructs a lost wake-up in ochinchina/supervisord,
// a Go port of supervisord: Start holds the condition variable's lock, starts
// the process in a goroutine and waits on the condition; the goroutine
// signals the condition without taking the lock, so the signal can come
// before Wait and be lost, and Wait has no predicate to re-check.
//
//   - Project: ochinchina/supervisord (process/process.go)
//   - Bug report: https://github.com/ochinchina/supervisord/issues/223
//   - Fix: the fix the report proposes: lock cond.L around Signal (the twin
//     also waits in a loop on a started flag, as sync.Cond's documentation asks).
//   - Shape: sync.Cond.Signal without the lock, before the waiter reaches Wait,
//     and Wait without a predicate loop.
//   - Fixed twin: the goroutine takes cond.L, sets a started flag and signals
//     under the lock, and Start waits in a loop until the flag is set (the fix
//     the report proposes, with the predicate loop sync.Cond requires).
package supervisord223

import "sync"

// Process is a supervised program.
type Process struct {
	cond    *sync.Cond
	started bool // guarded by cond.L
	state   string
	mu      sync.Mutex // guards state
}

// NewProcess returns a stopped process.
func NewProcess() *Process {
	return &Process{cond: sync.NewCond(&sync.Mutex{}), state: "STOPPED"}
}

// Start launches the program and, if wait is set, returns once it runs.
func (p *Process) Start(wait bool) {
	runOnce := sync.Once{}
	p.cond.L.Lock()
	go p.run(func() {
		runOnce.Do(func() {
			p.cond.L.Lock()
			p.started = true
			p.cond.Signal()
			p.cond.L.Unlock()
		})
	})
	for wait && !p.started {
		p.cond.Wait()
	}
	p.cond.L.Unlock()
}

func (p *Process) run(started func()) {
	p.mu.Lock()
	p.state = "RUNNING"
	p.mu.Unlock()
	started()
}

// State returns the process state.
func (p *Process) State() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.state
}
