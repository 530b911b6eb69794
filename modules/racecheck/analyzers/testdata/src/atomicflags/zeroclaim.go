package atomicflags

import (
	"errors"
	"net"
	"sync"
	"sync/atomic"
)

// An integer atomic used as a once-flag: tested for zero, then added to
// where it was zero. btcsuite/btcd's Peer.Connect at 7de7bddb (fixed in
// 5cbd1f85, "peer: Remove potential race when calling Connect"): two
// concurrent Connects both load 0, both add, and both start the peer.
type peer struct {
	connected int32
	conn      net.Conn
	quit      chan struct{}
}

func (p *peer) Connect(conn net.Conn) error {
	// Already connected?
	if atomic.LoadInt32(&p.connected) != 0 {
		return nil
	}
	p.conn = conn
	atomic.AddInt32(&p.connected, 1) // want `atomic.AddInt32\(&p.connected, 1\) after the test on line 22 found p.connected zero is not atomic with it: callers that all load it at zero all pass the test and all add, each going on as the first; claim it with CompareAndSwap\(0, 1\)`
	return p.start()
}

func (p *peer) start() error {
	go func() { <-p.quit }()
	return nil
}

// The fix: claim the flag.
func (p *peer) connectFixed(conn net.Conn) error {
	if !atomic.CompareAndSwapInt32(&p.connected, 0, 1) {
		return nil
	}
	p.conn = conn
	return p.start()
}

// pion/example-webrtc-applications sfu-ws at 000df169 (#63): the first
// client to connect becomes the publisher; two that connect at once both do.
var publishers int32

func serveRoom(publish func(), subscribe func()) {
	if atomic.LoadInt32(&publishers) == 0 {
		atomic.AddInt32(&publishers, 1) // want `atomic.AddInt32\(&publishers, 1\) after the test on line 49 found publishers zero`
		publish()
		return
	}
	subscribe()
}

// The sync/atomic types, a local holding the load, and a test written
// 0 < n.
type worker struct {
	started atomic.Int32
	mu      sync.Mutex
}

func (w *worker) Start() {
	n := w.started.Load()
	if 0 < n {
		return
	}
	w.started.Add(1) // want `w.started.Add\(1\) after the test on line 66 found w.started zero`
	go w.run()
}

func (w *worker) run() {}

// Near-misses: a reference count that refuses where it is zero (the add
// runs where it was not: a resurrection, not a claim), a zero test that
// other conditions can pass, the test and the add under one lock, and a
// comment accepting the race.
var errReleased = errors.New("released")

func (w *worker) Acquire() error {
	if w.started.Load() == 0 {
		return errReleased
	}
	w.started.Add(1)
	return nil
}

func (w *worker) Poke(force bool) {
	if w.started.Load() == 0 || force {
		w.started.Add(1)
	}
}

func (w *worker) StartSerial() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started.Load() != 0 {
		return
	}
	w.started.Add(1)
	go w.run()
}

func (w *worker) StartTwiceAllowed() {
	// A race here starts a second worker, which is harmless.
	if w.started.Load() != 0 {
		return
	}
	w.started.Add(1)
	go w.run()
}
