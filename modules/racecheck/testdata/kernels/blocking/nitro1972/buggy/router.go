// Package nitro1972 reconstructs a hang in Offchain Labs' Nitro: the router
// forwards every message to the output channel a subscriber registered, and
// a subscriber that has not registered one (yet) leaves it nil; a send on a
// nil channel neither panics nor fails, it blocks its goroutine forever.
//
//   - Project: OffchainLabs/nitro
//   - Bug report and fix: https://github.com/OffchainLabs/nitro/pull/1972
//     (the router handles the nil-channel case)
//   - Shape: a send on a channel that is still nil, decided by whether a
//     concurrent initialisation already happened.
//   - Manifests as: a leaked goroutine blocked forever in chan send (nil
//     chan) on the runs where the message arrives before the subscriber sets
//     its output; the test passes.
package nitro1972

import "sync"

// Router forwards messages to the subscriber's output channel.
type Router struct {
	mu  sync.Mutex
	out chan<- string
}

// Subscribe sets the channel messages are forwarded to.
func (r *Router) Subscribe(out chan<- string) {
	r.mu.Lock()
	r.out = out
	r.mu.Unlock()
}

// Forward delivers msg in the background.
func (r *Router) Forward(msg string) {
	r.mu.Lock()
	out := r.out
	r.mu.Unlock()
	go func() {
		out <- msg
	}()
}
