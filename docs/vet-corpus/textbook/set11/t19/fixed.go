// Fixed version of the t19 pool: tryPopIdle checks for an idle worker and
// removes it in one critical section, returning ok=false when the slice is
// empty, so Submit never indexes an empty slice; when nothing is idle it
// falls through to the (also single-critical-section) spawn path.
package t19

import "errors"

func (p *Pool) tryPopIdle() (*worker, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := len(p.idle)
	if n == 0 {
		return nil, false
	}
	w := p.idle[n-1]
	p.idle[n-1] = nil
	p.idle = p.idle[:n-1]
	return w, true
}

// SubmitFixed runs task on a pooled goroutine.
func (p *Pool) SubmitFixed(task func()) error {
	if task == nil {
		return errors.New("pool: nil task")
	}
	if w, ok := p.tryPopIdle(); ok {
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
