package r19

import (
	"net/http"
	"time"
)

// tryStartFixed marks j running in the same critical section that checks
// it, before any goroutine is spawned. force skips the due check.
func tryStartFixed(j *Job, now time.Time, force bool) bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.running || (!force && now.Sub(j.lastRun) < j.Every) {
		return false
	}
	j.running = true
	j.lastRun = now
	return true
}

// SchedulerFixed wraps Scheduler's job table and only spawns a job after
// winning tryStartFixed; the goroutine merely clears the flag when done.
type SchedulerFixed struct {
	*Scheduler
}

func (s SchedulerFixed) executeStarted(j *Job) {
	defer j.setRunning(false, time.Time{})
	_ = j.Run(s.ctx)
}

func (s SchedulerFixed) tick(now time.Time) {
	for _, j := range s.jobs {
		if tryStartFixed(j, now, false) {
			go s.executeStarted(j)
		}
	}
}

func (s SchedulerFixed) Loop() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.ctx.Done():
			return
		case now := <-t.C:
			s.tick(now)
		}
	}
}

func (s SchedulerFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	j, ok := s.jobs[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if !tryStartFixed(j, time.Now(), true) {
		http.Error(w, "job already running", http.StatusConflict)
		return
	}
	go s.executeStarted(j)
	w.WriteHeader(http.StatusAccepted)
}
