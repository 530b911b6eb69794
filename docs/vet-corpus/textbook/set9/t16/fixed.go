package t16

// Fix: test and set j.running inside the same withJob closure, i.e. in one
// critical section. Exactly one concurrent trigger observes running == false
// and flips it; the others observe true and get ErrAlreadyRunning.

import (
	"context"
	"errors"
)

// triggerFixed starts the named job unless it is already running.
func (s *Scheduler) triggerFixed(ctx context.Context, name string) error {
	var (
		busy bool
		run  func(context.Context) error
	)
	found := s.withJob(name, func(j *job) {
		if j.running {
			busy = true
			return
		}
		j.running = true
		run = j.run
	})
	if !found {
		return errors.New("no such job")
	}
	if busy {
		return ErrAlreadyRunning
	}
	go s.execute(ctx, name, run)
	return nil
}
