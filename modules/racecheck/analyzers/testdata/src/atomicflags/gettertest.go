package atomicflags

import "sync/atomic"

// hyperledger/fabric gossip/comm/comm_impl.go at ce2436a8 (fixed in
// bc3d4056, FAB-11747): Stop tests the flag through a getter that answers
// a comparison of its load, stores the flag, and closes exitChan; two
// Stops both pass, and the second close panics.
type gossipComm struct {
	stopping int32
	exitChan chan struct{}
}

func (c *gossipComm) isStopping() bool {
	return atomic.LoadInt32(&c.stopping) == int32(1)
}

func (c *gossipComm) Stop() {
	if c.isStopping() {
		return
	}
	atomic.StoreInt32(&c.stopping, int32(1)) // want `atomic.StoreInt32\(&c.stopping, int32\(1\)\) after c.isStopping\(\) on line 19 runs only when the check passed, but is not atomic with it: another goroutine can pass the same check in between, and both go on to close\(c.exitChan\) on line 23`
	close(c.exitChan)
}

// The fix: one CompareAndSwap decides.
func (c *gossipComm) StopFixed() {
	if !atomic.CompareAndSwapInt32(&c.stopping, 0, 1) {
		return
	}
	close(c.exitChan)
}

// Near-misses. A store the getter's comparison does not see as a change
// (it stores 0, and the getter asks for 1): no transition.
func (c *gossipComm) Restart() {
	if c.isStopping() {
		return
	}
	atomic.StoreInt32(&c.stopping, 0)
	close(c.exitChan)
}

// A getter comparing with another variable, not a constant.
type limited struct {
	n, max   int32
	exitChan chan struct{}
}

func (l *limited) full() bool { return atomic.LoadInt32(&l.n) >= l.max }

func (l *limited) Stop() {
	if l.full() {
		return
	}
	atomic.StoreInt32(&l.n, 100)
	close(l.exitChan)
}
