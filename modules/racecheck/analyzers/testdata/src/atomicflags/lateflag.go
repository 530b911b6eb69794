package atomicflags

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// A busy flag tested before a goroutine starts and set only inside it
// (textbook set 3, r19: a scheduler's tick and an admin handler both test
// j.isRunning(), then go s.execute(j), and execute sets the flag; two
// callers pass the test before either goroutine runs, and the invoice job
// runs twice).

var errJobRunning = errors.New("job running")

type cronJob struct {
	mu      sync.Mutex
	running bool
	lastRun time.Time
	busy    atomic.Bool
	run     func()
}

func (j *cronJob) isRunning() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.running
}

func (j *cronJob) setRunning(r bool, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.running = r
	if r {
		j.lastRun = now
	}
}

type cronScheduler struct{ jobs map[string]*cronJob }

func (s *cronScheduler) execute(j *cronJob) {
	j.setRunning(true, time.Now())
	defer j.setRunning(false, time.Time{})
	j.run()
}

// RunNow is an admin handler's: many at once.
func (s *cronScheduler) RunNow(name string) error {
	j := s.jobs[name]
	if j == nil || j.isRunning() {
		return errJobRunning
	}
	go s.execute(j) // want `go s.execute\(j\) starts a goroutine that sets j.running \(j.setRunning\(true, time.Now\(\)\) on line 44\), which the test on line 52 refused on, only once it runs: until then another caller can pass the same test and start a second one; set it before the go statement, in the critical section that tests it`
	return nil
}

// The same with the flag read into a local under the lock, and set by a
// literal.
func (j *cronJob) Start() error {
	j.mu.Lock()
	running := j.running
	j.mu.Unlock()
	if running {
		return errJobRunning
	}
	go func() { // want `go func\(\) \{…\}\(\) starts a goroutine that sets j.running \(line 70\)`
		j.mu.Lock()
		j.running = true
		j.mu.Unlock()
		j.run()
		j.mu.Lock()
		j.running = false
		j.mu.Unlock()
	}()
	return nil
}

// An atomic flag, stored by the goroutine.
func (j *cronJob) Kick() {
	if j.busy.Load() {
		return
	}
	go func() { // want `go func\(\) \{…\}\(\) starts a goroutine that sets j.busy`
		j.busy.Store(true)
		defer j.busy.Store(false)
		j.run()
	}()
}

// Near-miss: the fix sets the flag in the critical section that tests it,
// before the goroutine starts.
func (j *cronJob) StartFixed() error {
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		return errJobRunning
	}
	j.running = true
	j.mu.Unlock()
	go func() {
		defer func() {
			j.mu.Lock()
			j.running = false
			j.mu.Unlock()
		}()
		j.run()
	}()
	return nil
}

// Near-miss: the atomic fix, a CompareAndSwap that claims the flag.
func (j *cronJob) KickFixed() {
	if !j.busy.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer j.busy.Store(false)
		j.run()
	}()
}

// Near-miss: the launcher has one caller, a loop; nothing the package
// shows calls it from two goroutines.
func (s *cronScheduler) tick() {
	for _, j := range s.jobs {
		s.tickOne(j)
	}
}

func (s *cronScheduler) tickOne(j *cronJob) {
	if j.isRunning() {
		return
	}
	go s.execute(j)
}

// Near-miss: the goroutine sets the flag only on one branch; the test
// does not refuse on it.
func (j *cronJob) Poke(force bool) {
	if j.busy.Load() && !force {
		return
	}
	go func() {
		if force {
			j.busy.Store(true)
		}
		j.run()
	}()
}

// The launcher tests under the lock and releases it only after the go
// statement: the goroutine still sets the flag after the release, and a
// second caller can take the lock first.
func (j *cronJob) StartUnlockAfter() error {
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		return errJobRunning
	}
	go j.runMarked() // want `go j.runMarked\(\) starts a goroutine that sets j.running \(line [0-9]+\)`
	j.mu.Unlock()
	return nil
}

func (j *cronJob) runMarked() {
	j.mu.Lock()
	j.running = true
	j.mu.Unlock()
	j.run()
}

// Near-miss: the launcher keeps the lock it tested under, and the
// goroutine releases it once the flag is set (neo-go's oracle Start): a
// second caller waits on the lock until the flag says running.
func (j *cronJob) StartHandover() error {
	j.mu.Lock()
	if j.running {
		j.mu.Unlock()
		return errJobRunning
	}
	go func() {
		j.running = true
		j.mu.Unlock()
		j.run()
	}()
	return nil
}
