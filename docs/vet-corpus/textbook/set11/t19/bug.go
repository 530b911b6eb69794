// Package t19 is a goroutine pool in the style of panjf2000/ants: idle
// workers are kept in a LIFO slice, Submit hands a task to an idle worker or
// spawns a new one up to the capacity, and a scavenger goroutine retires
// workers that have been idle for too long.
//
// Concurrency: many goroutines call Pool.Submit; each worker goroutine puts
// itself back with revert after finishing a task; the purge goroutine removes
// expired workers every tick. The idle slice and the running count are
// guarded by p.mu.
//
// BUG: Submit asks idleLen() > 0 and then calls popIdle(), which takes p.mu
// again and indexes p.idle[len(p.idle)-1] assuming it is non-empty. Another
// Submit or the purge goroutine can take the last idle worker in between.
// check: p.idleLen() > 0 -> act: p.popIdle() (p.idle[n-1]).
//
// HARM: popIdle indexes p.idle[-1] and panics with "index out of range [-1]"
// on the submitting goroutine; in a server that means a crashed process
// under exactly the bursty load the pool is meant to absorb.
package t19

import (
	"errors"
	"sync"
	"time"
)

var ErrPoolOverload = errors.New("pool: too many goroutines blocked or pool full")

type worker struct {
	pool     *Pool
	tasks    chan func()
	lastUsed time.Time
}

func (w *worker) run() {
	for task := range w.tasks {
		if task == nil {
			break
		}
		task()
		if !w.pool.revert(w) {
			break
		}
	}
	w.pool.mu.Lock()
	w.pool.running--
	w.pool.mu.Unlock()
}

// Pool runs submitted tasks on a bounded set of goroutines.
type Pool struct {
	capacity   int
	expiry     time.Duration
	mu         sync.Mutex
	idle       []*worker
	running    int
	closed     bool
	stopPurger chan struct{}
}

func NewPool(capacity int, expiry time.Duration) *Pool {
	p := &Pool{capacity: capacity, expiry: expiry, stopPurger: make(chan struct{})}
	go p.purge()
	return p
}

func (p *Pool) idleLen() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.idle)
}

func (p *Pool) popIdle() *worker {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	w := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return w
}

func (p *Pool) revert(w *worker) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	w.lastUsed = time.Now()
	p.idle = append(p.idle, w)
	return true
}

// Submit runs task on a pooled goroutine.
func (p *Pool) Submit(task func()) error {
	if task == nil {
		return errors.New("pool: nil task")
	}
	if p.idleLen() > 0 {
		w := p.popIdle()
		w.tasks <- task
		return nil
	}
	p.mu.Lock()
	if p.closed || p.running >= p.capacity {
		p.mu.Unlock()
		return ErrPoolOverload
	}
	p.running++
	p.mu.Unlock()
	w := &worker{pool: p, tasks: make(chan func(), 1)}
	go w.run()
	w.tasks <- task
	return nil
}

func (p *Pool) purge() {
	t := time.NewTicker(p.expiry)
	defer t.Stop()
	for {
		select {
		case <-p.stopPurger:
			return
		case now := <-t.C:
			p.mu.Lock()
			i := 0
			for i < len(p.idle) && now.Sub(p.idle[i].lastUsed) > p.expiry {
				i++
			}
			expired := append([]*worker(nil), p.idle[:i]...)
			p.idle = append(p.idle[:0], p.idle[i:]...)
			p.mu.Unlock()
			for _, w := range expired {
				w.tasks <- nil
			}
		}
	}
}

// Release stops the pool; running tasks finish, idle workers exit.
func (p *Pool) Release() {
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.closed = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	close(p.stopPurger)
	for _, w := range idle {
		w.tasks <- nil
	}
}
