package checkthenact

import "sync"

// A sync.Cond waited on in an if: when Wait returns, a newcomer that took
// the lock first may have taken the slot the Signal announced, and the
// limit is exceeded.
type uploadLimiter struct {
	mu     sync.Mutex
	cond   *sync.Cond
	active int
	max    int
}

func (l *uploadLimiter) acquire() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active >= l.max {
		l.cond.Wait() // want `l.cond.Wait\(\) in the if on line 18 is not in a loop: when Wait returns, another goroutine may have changed what l.active >= l.max tested since the Signal or Broadcast, and the code after it goes on as if it still held; wait in a loop that tests the condition again \(for l.active >= l.max \{ … \}\)`
	}
	l.active++
}

// The fix: a loop.
func (l *uploadLimiter) acquireFixed() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for l.active >= l.max {
		l.cond.Wait()
	}
	l.active++
}

// Near-miss: an if inside the loop that waits.
func (l *uploadLimiter) acquireOrQuit(quit func() bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for {
		if quit() {
			return false
		}
		if l.active < l.max {
			break
		}
		if l.active >= l.max {
			l.cond.Wait()
		}
	}
	l.active++
	return true
}

func (l *uploadLimiter) release() {
	l.mu.Lock()
	l.active--
	l.mu.Unlock()
	l.cond.Signal()
}

// Near-miss: a wait for a running task's result, returned as soon as its
// Broadcast comes (uber/kraken's dedup limiter).
type dedupTask struct {
	cond    *sync.Cond
	running bool
	output  string
}

func (t *dedupTask) result(run func() string) string {
	t.cond.L.Lock()
	if t.running {
		t.cond.Wait()
		defer t.cond.L.Unlock()
		return t.output
	}
	t.running = true
	t.cond.L.Unlock()
	out := run()
	t.cond.L.Lock()
	t.output, t.running = out, false
	t.cond.L.Unlock()
	t.cond.Broadcast()
	return out
}

// A wait with nothing tested under its lock, after tests made under the
// lock taken and released by other methods (textbook set 11, t14: a
// controller's work queue): an Add that signals between the test and
// the wait is lost, and the worker sleeps with work queued.
type workQueue struct {
	mu           sync.Mutex
	cond         *sync.Cond
	queue        []string
	shuttingDown bool
}

func (q *workQueue) tryPop() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.queue) == 0 {
		return "", false
	}
	item := q.queue[0]
	q.queue = q.queue[1:]
	return item, true
}

func (q *workQueue) isShuttingDown() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.shuttingDown
}

func (q *workQueue) waitForWork() {
	q.mu.Lock()
	q.cond.Wait()
	q.mu.Unlock()
}

func (q *workQueue) Get() (string, bool) {
	for {
		if item, ok := q.tryPop(); ok {
			return item, false
		}
		if q.isShuttingDown() {
			return "", true
		}
		q.waitForWork() // want `q.waitForWork\(\), which waits on q.cond with nothing tested under its lock, after q.isShuttingDown\(\) on line [0-9]+, which tests under that lock and releases it: a Signal or Broadcast sent in between is lost, and the wait may never end; test and wait under one lock, in a loop \(for !cond \{ q.cond.Wait\(\) \}\)`
	}
}

func (q *workQueue) Add(item string) {
	q.mu.Lock()
	defer q.mu.Unlock()
	q.queue = append(q.queue, item)
	q.cond.Signal()
}

// Near-miss: the wait is for the next broadcast, whatever was tested
// before (a ticker's subscribers), and no test precedes it in the loop.
func (q *workQueue) Next() {
	for i := 0; i < 3; i++ {
		q.waitForWork()
	}
}

// Near-miss: the fix tests and waits under one lock.
func (q *workQueue) GetFixed() (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for len(q.queue) == 0 && !q.shuttingDown {
		q.cond.Wait()
	}
	if len(q.queue) == 0 {
		return "", true
	}
	item := q.queue[0]
	q.queue = q.queue[1:]
	return item, false
}
