package atomicflags

import (
	"errors"
	"sync"
	"sync/atomic"
)

// A WaitGroup's Add after a test of a flag that the shutdown sets before
// it waits (textbook set 3, r12): a Submit that passed the test just
// before Shutdown set the flag adds after Wait returned, and its delivery
// runs against the outbox Shutdown closed next.

var errDraining = errors.New("draining")

type outbox struct{ closed bool }

func (o *outbox) Close() error { o.closed = true; return nil }

type dispatcher struct {
	draining atomic.Bool
	wg       sync.WaitGroup
	out      *outbox
	mu       sync.Mutex
}

func (d *dispatcher) Submit(deliver func()) error {
	if d.draining.Load() {
		return errDraining
	}
	d.wg.Add(1) // want `d.wg.Add\(1\) after the test of d.draining.Load\(\) on line 28 is not atomic with it: Shutdown can set draining and wait on d.wg in between \(flaggedadd.go:[0-9]+\), and this Add then comes after Wait returned, or races with it: the work it counts runs after Shutdown has gone on as if none were left; hold one lock across the test and the Add, and in Shutdown across setting the flag`
	go func() {
		defer d.wg.Done()
		deliver()
	}()
	return nil
}

// WaitGroup.Go counts the goroutine as Add(1) does.
func (d *dispatcher) SubmitGo(deliver func()) error {
	if d.draining.Load() {
		return errDraining
	}
	d.wg.Go(deliver) // want `d.wg.Go\(deliver\) after the test of d.draining.Load\(\) on line 41`
	return nil
}

func (d *dispatcher) Shutdown() error {
	d.draining.Store(true)
	d.wg.Wait()
	return d.out.Close()
}

// Near-miss: the fix holds one lock across the test and the Add, and
// across setting the flag; the wait comes after the lock is released.
func (d *dispatcher) SubmitHeld(deliver func()) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.draining.Load() {
		return errDraining
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
		deliver()
	}()
	return nil
}

func (d *dispatcher) ShutdownHeld() error {
	d.mu.Lock()
	d.draining.Store(true)
	d.mu.Unlock()
	d.wg.Wait()
	return d.out.Close()
}

// Near-miss: a Done written as Add(-1) after the test counts nothing in.
func (d *dispatcher) cancelOne() {
	if d.draining.Load() {
		return
	}
	d.wg.Add(-1)
}

// Near-miss: the workers are counted in by a start the constructor runs
// once, before the dispatcher is handed to anyone who could shut it down
// (uber/kraken's persistedretry manager).
func newStartedDispatcher(out *outbox) (*dispatcher, error) {
	d := &dispatcher{out: out}
	if err := d.start(); err != nil {
		return nil, err
	}
	return d, nil
}

func (d *dispatcher) start() error {
	if d.draining.Load() {
		return errDraining
	}
	d.wg.Add(1)
	go func() {
		defer d.wg.Done()
	}()
	return nil
}

// A plain closed flag tested under the read lock, the lock released before
// the Add: Close can set the flag and wait in between.
type hookDispatcher struct {
	mu       sync.RWMutex
	closed   bool
	inflight sync.WaitGroup
}

func (d *hookDispatcher) Dispatch(deliver func()) error {
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return errors.New("closed")
	}
	d.mu.RUnlock()
	d.inflight.Add(1) // want `d.inflight.Add\(1\) after the test of d.closed on line [0-9]+ is not atomic with it: Close can set closed and wait on d.inflight in between`
	go func() {
		defer d.inflight.Done()
		deliver()
	}()
	return nil
}

// Near-miss: the fix of the twelfth textbook set's t16, the Add made
// under the read lock that tested the flag, which Close's write lock
// keeps out (a false alarm of the first version of the plain flag).
func (d *hookDispatcher) DispatchHeld(deliver func()) error {
	d.mu.RLock()
	if d.closed {
		d.mu.RUnlock()
		return errors.New("closed")
	}
	d.inflight.Add(1)
	d.mu.RUnlock()
	go func() {
		defer d.inflight.Done()
		deliver()
	}()
	return nil
}

func (d *hookDispatcher) Close() {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.inflight.Wait()
}
