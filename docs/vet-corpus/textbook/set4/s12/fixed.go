package s12

import (
	"context"
	"log"
	"sync"
	"time"
)

// nextFixed re-checks the condition in a loop after every wake-up, so the
// slice is only indexed when it is non-empty while the lock is held.
func (s *Scheduler) nextFixed() (Job, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.ready) == 0 && !s.closed {
		s.cond.Wait()
	}
	if len(s.ready) == 0 { // closed and drained
		return Job{}, false
	}
	j := s.ready[0]
	s.ready = s.ready[1:]
	return j, true
}

func (s *Scheduler) workerFixed() {
	defer s.wg.Done()
	for {
		j, ok := s.nextFixed()
		if !ok {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		if err := j.Run(ctx); err != nil {
			log.Printf("job %s: %v", j.Name, err)
		}
		cancel()
	}
}

// StartFixed is Start with workers that use nextFixed.
func StartFixed(workers int) *Scheduler {
	s := &Scheduler{}
	s.cond = sync.NewCond(&s.mu)
	for i := 0; i < workers; i++ {
		s.wg.Add(1)
		go s.workerFixed()
	}
	return s
}
