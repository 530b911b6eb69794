// Fixed version of the t14 work queue: GetFixed holds q.mu across the
// emptiness check and cond.Wait, and re-checks in a loop after every wake-up
// (the canonical "for !condition { cond.Wait() }" pattern). Because Wait
// atomically releases the mutex while parking, an Add can only Signal once the
// worker is registered as a waiter, so no wake-up is lost.
package t14

import "sync"

type QueueFixed struct {
	mu           sync.Mutex
	cond         *sync.Cond
	queue        []string
	dirty        map[string]struct{}
	processing   map[string]struct{}
	shuttingDown bool
}

func NewQueueFixed() *QueueFixed {
	q := &QueueFixed{dirty: make(map[string]struct{}), processing: make(map[string]struct{})}
	q.cond = sync.NewCond(&q.mu)
	return q
}

func (q *QueueFixed) Add(item string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shuttingDown {
		return
	}
	if _, ok := q.dirty[item]; ok {
		return
	}
	q.dirty[item] = struct{}{}
	if _, ok := q.processing[item]; ok {
		return
	}
	q.queue = append(q.queue, item)
	q.cond.Signal()
}

func (q *QueueFixed) GetFixed() (item string, shutdown bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return "", true
	}
	item = q.queue[0]
	q.queue[0] = ""
	q.queue = q.queue[1:]
	q.processing[item] = struct{}{}
	delete(q.dirty, item)
	return item, false
}

func (q *QueueFixed) Done(item string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, item)
	if _, ok := q.dirty[item]; ok {
		q.queue = append(q.queue, item)
		q.cond.Signal()
	}
}

func (q *QueueFixed) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shuttingDown = true
	q.cond.Broadcast()
}
