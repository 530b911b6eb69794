package p19

type claimReq struct {
	id    string
	reply chan bool
}

// SchedulerFixed is safe for concurrent use; its state lives in the loop
// goroutine, and claiming a job is a single request.
type SchedulerFixed struct {
	claim  chan claimReq
	done   chan string
	charge func(jobID string)
}

// NewSchedulerFixed starts the state-owning goroutine.
func NewSchedulerFixed(charge func(jobID string)) *SchedulerFixed {
	s := &SchedulerFixed{claim: make(chan claimReq), done: make(chan string), charge: charge}
	go s.loopFixed()
	return s
}

func (s *SchedulerFixed) loopFixed() {
	running := make(map[string]bool)
	for {
		select {
		case r := <-s.claim:
			if running[r.id] {
				r.reply <- false
				continue
			}
			running[r.id] = true
			r.reply <- true
		case id := <-s.done:
			delete(running, id)
		}
	}
}

// TriggerFixed runs the charge job id unless it is already running.
func (s *SchedulerFixed) TriggerFixed(id string) bool {
	reply := make(chan bool)
	s.claim <- claimReq{id: id, reply: reply}
	if !<-reply {
		return false
	}
	go func() {
		s.charge(id)
		s.done <- id
	}()
	return true
}
