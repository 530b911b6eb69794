// Package p19 is a billing job scheduler whose state is owned by one
// goroutine and accessed through channels.
//
// BUG: Trigger asks the owner "is job running?" and, on "no", sends a separate
// "mark running" message. Two triggers for the same job (cron tick and manual
// retry) both get "no" before either mark arrives, so the charge job runs
// twice and the customer is billed twice.
package p19

type isRunningReq struct {
	id    string
	reply chan bool
}

// Scheduler is safe for concurrent use; its state lives in the loop goroutine.
type Scheduler struct {
	isRunning chan isRunningReq
	mark      chan string
	done      chan string
	charge    func(jobID string)
}

// NewScheduler starts the state-owning goroutine.
func NewScheduler(charge func(jobID string)) *Scheduler {
	s := &Scheduler{
		isRunning: make(chan isRunningReq),
		mark:      make(chan string),
		done:      make(chan string),
		charge:    charge,
	}
	go s.loop()
	return s
}

func (s *Scheduler) loop() {
	running := make(map[string]bool)
	for {
		select {
		case r := <-s.isRunning:
			r.reply <- running[r.id]
		case id := <-s.mark:
			running[id] = true
		case id := <-s.done:
			delete(running, id)
		}
	}
}

// Trigger runs the charge job id unless it is already running.
func (s *Scheduler) Trigger(id string) bool {
	reply := make(chan bool)
	s.isRunning <- isRunningReq{id: id, reply: reply}
	if <-reply {
		return false
	}
	s.mark <- id
	go func() {
		s.charge(id)
		s.done <- id
	}()
	return true
}
