package checkthenact

import (
	"container/list"
	"sync"
)

// A pop decided by a locking Len: two workers that both see one job both
// pop, and the second indexes an empty slice.

type jobQueue struct {
	mu   sync.Mutex
	jobs []func()
}

func (q *jobQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs)
}

func (q *jobQueue) Pop() func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	return j
}

// popLast takes the newest job, also without a look at the length.
func (q *jobQueue) popLast() func() {
	q.mu.Lock()
	j := q.jobs[len(q.jobs)-1]
	q.jobs = q.jobs[:len(q.jobs)-1]
	q.mu.Unlock()
	return j
}

func runJobWorkers(q *jobQueue, workers int, stopped func() bool) {
	for range workers {
		go func() {
			for !stopped() {
				if q.Len() > 0 {
					job := q.Pop() // want `q.Pop\(\) after q.Len\(\) on line \d+ found q.jobs not empty is not atomic with it: another goroutine can take the last element in between, and q.Pop\(\), which does not check the length, then indexes an empty slice and panics; check the length and pop under one lock \(a TryPop answering ok\)`
					job()
				}
			}
		}()
	}
}

// An exported function, the early-return form.
func RunNewest(q *jobQueue) {
	if q.Len() == 0 {
		return
	}
	q.popLast()() // want `q.popLast\(\) after q.Len\(\) on line \d+ found q.jobs not empty`
}

// The fix: one method checks and pops under one lock.
func (q *jobQueue) tryPop() (job func(), ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if ok = len(q.jobs) > 0; ok {
		job, q.jobs = q.jobs[0], q.jobs[1:]
	}
	return job, ok
}

func RunOne(q *jobQueue) {
	if j, ok := q.tryPop(); ok {
		j()
	}
}

// Near-miss: the pop looks at the length itself; the race costs a nil.
func (q *jobQueue) popOrNil() func() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if n := len(q.jobs); n > 0 {
		j := q.jobs[0]
		q.jobs = q.jobs[1:]
		return j
	}
	return nil
}

func RunIfAny(q *jobQueue) {
	if q.Len() > 0 {
		if j := q.popOrNil(); j != nil {
			j()
		}
	}
}

// Near-miss: one goroutine, started once, is the only consumer.
func startJobRunner(q *jobQueue) {
	go func() {
		for {
			if q.Len() > 0 {
				q.Pop()()
			}
		}
	}()
}

// Near-miss: the caller holds the queue's lock across the check and the
// pop (a reentrant design where Len and Pop do not lock is another type).
type lockedJobs struct {
	mu sync.Mutex
	q  jobQueue
}

func (l *lockedJobs) Next() func() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.q.Len() > 0 {
		return l.q.Pop()
	}
	return nil
}

// The same on a container/list, drained by a loop whose condition is the
// locking Len: two workers that both see one element both pop, and the
// second removes the nil front of an empty list.
type mailQueue struct {
	mu    sync.Mutex
	items *list.List
}

func (q *mailQueue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.Len()
}

func (q *mailQueue) Pop() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.items.Front()
	q.items.Remove(e)
	return e.Value.(string)
}

func DrainMail(q *mailQueue, send func(string)) {
	for q.Len() > 0 {
		send(q.Pop()) // want `q.Pop\(\) after q.Len\(\) on line \d+ found q.items not empty is not atomic with it: another goroutine can take the last element in between, and q.Pop\(\), which does not check the length, then takes the nil element of an empty list and panics`
	}
}

// Near-miss: a pop that answers nothing for an empty list.
func (q *mailQueue) popOrEmpty() string {
	q.mu.Lock()
	defer q.mu.Unlock()
	e := q.items.Front()
	if e == nil {
		return ""
	}
	q.items.Remove(e)
	return e.Value.(string)
}

func DrainMailChecked(q *mailQueue, send func(string)) {
	for q.Len() > 0 {
		send(q.popOrEmpty())
	}
}

// The last element taken through a local holding the length (textbook set
// 11, t19: a goroutine pool's Submit): two Submits that both see one idle
// worker both pop, and the second indexes p.idle[-1].
type idleGopher struct{ tasks chan func() }

type gopherPool struct {
	mu   sync.Mutex
	idle []*idleGopher
}

func (p *gopherPool) idleLen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

func (p *gopherPool) popIdle() *idleGopher {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	w := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return w
}

func (p *gopherPool) Submit(task func()) bool {
	if p.idleLen() > 0 {
		w := p.popIdle() // want `p.popIdle\(\) after p.idleLen\(\) on line [0-9]+ found p.idle not empty is not atomic with it`
		w.tasks <- task
		return true
	}
	return false
}

// Near-miss: the pop tests the local length itself.
func (p *gopherPool) tryPopIdle() *idleGopher {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil
	}
	w := p.idle[n-1]
	p.idle = p.idle[:n-1]
	return w
}

func (p *gopherPool) SubmitChecked(task func()) bool {
	if p.idleLen() > 0 {
		if w := p.tryPopIdle(); w != nil {
			w.tasks <- task
			return true
		}
	}
	return false
}
