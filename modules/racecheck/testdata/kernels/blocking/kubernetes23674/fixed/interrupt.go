// Package kubernetes23674 reconstructs a goroutine leak in Kubernetes'
// interrupt handler: Run registers a channel for termination signals and
// starts a goroutine that waits on it to run the cleanup handlers; when Run
// returns without a signal it unregisters the channel but never closes it,
// so the goroutine's receive blocks forever (its "channel closed" branch was
// unreachable).
//
//   - Project: kubernetes/kubernetes (pkg/util/interrupt/interrupt.go)
//   - Bug report: https://github.com/kubernetes/kubernetes/pull/23674
//   - Fix: https://github.com/kubernetes/kubernetes/pull/23643 (the channel is closed after it is unregistered)
//   - Shape: a receive that never gets a value because the channel is never
//     closed on the normal path (missing close).
//   - Fixed twin: Run closes the channel after unregistering it (the upstream
//     fix), so the waiting goroutine takes its "closed" branch and returns.
package kubernetes23674

import "sync"

// Signals stands for os/signal: it delivers signals to registered channels.
type Signals struct {
	mu   sync.Mutex
	subs map[chan string]bool
}

// NewSignals returns a signal source with no subscribers.
func NewSignals() *Signals { return &Signals{subs: make(map[chan string]bool)} }

// Notify registers c to receive signals.
func (s *Signals) Notify(c chan string) {
	s.mu.Lock()
	s.subs[c] = true
	s.mu.Unlock()
}

// Stop unregisters c; no signal is delivered to it afterwards.
func (s *Signals) Stop(c chan string) {
	s.mu.Lock()
	delete(s.subs, c)
	s.mu.Unlock()
}

// Raise delivers sig to every registered channel that has room.
func (s *Signals) Raise(sig string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.subs {
		select {
		case c <- sig:
		default:
		}
	}
}

// Handler runs its cleanup functions when fn is interrupted.
type Handler struct {
	signals *Signals
	once    sync.Once
	cleanup func()
}

// Run calls fn, running the cleanup if a signal arrives meanwhile.
func (h *Handler) Run(fn func()) {
	ch := make(chan string, 1)
	h.signals.Notify(ch)
	defer func() {
		h.signals.Stop(ch)
		close(ch)
	}()
	go func() {
		if _, ok := <-ch; !ok {
			return
		}
		h.once.Do(h.cleanup)
	}()
	fn()
}
