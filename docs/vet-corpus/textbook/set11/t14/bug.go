// Package t14 is a controller work queue in the style of client-go's
// util/workqueue: items are de-duplicated (dirty set), an item is never
// handed to two workers at once (processing set), and workers block on a
// sync.Cond while the queue is empty.
//
// Concurrency: informer event-handler goroutines call Queue.Add; N worker
// goroutines loop Get -> reconcile -> Done; the controller's shutdown path
// calls ShutDown. Every field is accessed with q.mu held.
//
// BUG: Get checks for work with tryPop() and ShuttingDown() (each takes and
// releases q.mu) and, when there is none, calls waitForWork(), which locks
// q.mu again and calls q.cond.Wait() without re-checking. An Add that lands
// between the check and the Wait appends the item and Signals while nobody is
// waiting, so the wake-up is lost.
// check: tryPop() found the queue empty -> act: q.cond.Wait() (in waitForWork).
//
// HARM: the worker sleeps with an item sitting in the queue. With one worker,
// or once every worker has hit this window, reconciles stop until some
// unrelated object changes: a deleted Pod's finalizer never runs, a scale-up
// is never applied, and the controller looks hung while reporting healthy.
package t14

import "sync"

// Queue is a de-duplicating work queue.
type Queue struct {
	mu           sync.Mutex
	cond         *sync.Cond
	queue        []string
	dirty        map[string]struct{}
	processing   map[string]struct{}
	shuttingDown bool
}

func NewQueue() *Queue {
	q := &Queue{dirty: make(map[string]struct{}), processing: make(map[string]struct{})}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// Add marks item as needing processing.
func (q *Queue) Add(item string) {
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

func (q *Queue) Len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.queue)
}

func (q *Queue) ShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shuttingDown
}

func (q *Queue) tryPop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return "", false
	}
	item := q.queue[0]
	q.queue[0] = ""
	q.queue = q.queue[1:]
	q.processing[item] = struct{}{}
	delete(q.dirty, item)
	return item, true
}

func (q *Queue) waitForWork() {
	q.mu.Lock()
	q.cond.Wait()
	q.mu.Unlock()
}

// Get blocks until an item is available or the queue shuts down.
func (q *Queue) Get() (item string, shutdown bool) {
	for {
		if item, ok := q.tryPop(); ok {
			return item, false
		}
		if q.ShuttingDown() {
			return "", true
		}
		q.waitForWork()
	}
}

// Done marks item as processed; if it was re-added meanwhile it is requeued.
func (q *Queue) Done(item string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	delete(q.processing, item)
	if _, ok := q.dirty[item]; ok {
		q.queue = append(q.queue, item)
		q.cond.Signal()
	}
}

// ShutDown makes Get return shutdown=true once the queue is drained.
func (q *Queue) ShutDown() {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.shuttingDown = true
	q.cond.Broadcast()
}

// RunWorker is the loop each controller worker goroutine runs.
func RunWorker(q *Queue, reconcile func(key string) error, requeue func(key string)) {
	for {
		key, shutdown := q.Get()
		if shutdown {
			return
		}
		if err := reconcile(key); err != nil {
			requeue(key)
		}
		q.Done(key)
	}
}
