package plainmaps

import "sync"

// longhorn/longhorn-instance-manager pkg/process/process_manager.go at
// 0cf65508 (fixed in b0d11df9, longhorn#1113): ProcessDelete, a gRPC
// handler, starts unregisterProcess for the process it found; that looks
// the process up under the read lock, waits for it to stop, then releases
// its ports and deletes it under the write lock. unregisterProcess is
// started only there, but with the process as its argument: two deletes of
// one process start two, both find it, and both release its ports and
// announce it gone.
type process struct {
	name    string
	updates chan *process
}

type processManager struct {
	lock      sync.RWMutex
	processes map[string]*process
	ports     map[string]int
}

func (pm *processManager) ProcessCreate(p *process) bool {
	pm.lock.Lock()
	defer pm.lock.Unlock()
	if _, exists := pm.processes[p.name]; exists {
		return false
	}
	pm.processes[p.name] = p
	return true
}

func (pm *processManager) findProcess(name string) *process {
	pm.lock.RLock()
	defer pm.lock.RUnlock()
	return pm.processes[name]
}

func (pm *processManager) ProcessDelete(name string) {
	p := pm.findProcess(name)
	if p == nil {
		return
	}
	go pm.unregisterProcess(p)
}

func (pm *processManager) unregisterProcess(p *process) {
	pm.lock.RLock()
	_, exists := pm.processes[p.name]
	if !exists {
		pm.lock.RUnlock()
		return
	}
	pm.lock.RUnlock()
	pm.lock.Lock()
	delete(pm.processes, p.name) // want `delete\(pm.processes, p.name\) after pm.processes\[p.name\] on line 50 deletes the entry the check found, but is not atomic with it: another goroutine can delete the same entry in between, and both go on as the one that deleted it`
	delete(pm.ports, p.name)
	pm.lock.Unlock()
	p.updates <- p
}

// The fix: one write lock from the look-up to the delete.
type processManagerFixed struct {
	lock      sync.RWMutex
	processes map[string]*process
	ports     map[string]int
}

func (pm *processManagerFixed) unregisterProcess(p *process) {
	pm.lock.Lock()
	_, exists := pm.processes[p.name]
	if !exists {
		pm.lock.Unlock()
		return
	}
	delete(pm.processes, p.name)
	delete(pm.ports, p.name)
	pm.lock.Unlock()
	p.updates <- p
}

// Near-miss: one goroutine, started in the constructor, takes the names
// from a channel and is the only one deleting; no two delete one name.
type reaper struct {
	lock   sync.RWMutex
	procs  map[string]*process
	dead   chan string
	notify chan string
}

func newReaper() *reaper {
	r := &reaper{procs: map[string]*process{}, dead: make(chan string), notify: make(chan string)}
	go r.run()
	return r
}

func (r *reaper) Add(p *process) {
	r.lock.Lock()
	r.procs[p.name] = p
	r.lock.Unlock()
}

func (r *reaper) run() {
	for name := range r.dead {
		r.lock.RLock()
		_, ok := r.procs[name]
		r.lock.RUnlock()
		if !ok {
			continue
		}
		r.lock.Lock()
		delete(r.procs, name)
		r.lock.Unlock()
		r.notify <- name
	}
}

// The same with the map touched only by the function holding the go
// statement, before it, and by the goroutine: a job registered, then
// finished on a goroutine of its own. Two Runs of one job finish it twice.
type job struct{ id string }

type jobRunner struct {
	mu   sync.Mutex
	jobs map[string]*job
	done chan string
}

func (r *jobRunner) Run(j *job) {
	r.track(j)
	go r.finish(j)
}

func (r *jobRunner) track(j *job) {
	r.mu.Lock()
	r.jobs[j.id] = j
	r.mu.Unlock()
}

func (r *jobRunner) finish(j *job) {
	r.mu.Lock()
	_, ok := r.jobs[j.id]
	r.mu.Unlock()
	if !ok {
		return
	}
	r.mu.Lock()
	delete(r.jobs, j.id) // want `delete\(r.jobs, j.id\) after r.jobs\[j.id\] on line 143 deletes the entry the check found`
	r.mu.Unlock()
	r.done <- j.id
}
