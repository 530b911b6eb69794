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
