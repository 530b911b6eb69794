package t09

// Fix: a mutex makes "not draining, so register the task" atomic with respect
// to "start draining". GoFixed checks the flag and calls wg.Add(1) while
// holding gate; ShutdownFixed sets the flag while holding gate and only then
// Waits. Every task either registered before draining began (and is waited
// for) or sees draining and is refused; wg.Add never races with Wait at zero.

import "sync"

// BackgroundFixed is Background with a gate around the draining transition.
type BackgroundFixed struct {
	Background
	gate    sync.Mutex
	closing bool
}

// GoFixed runs task in the background unless shutdown has begun.
func (b *BackgroundFixed) GoFixed(task func() (auditLine []byte)) error {
	b.gate.Lock()
	if b.closing {
		b.gate.Unlock()
		return ErrDraining
	}
	b.wg.Add(1)
	b.gate.Unlock()
	go func() {
		defer b.wg.Done()
		b.audit(task())
	}()
	return nil
}

// ShutdownFixed stops accepting tasks, waits for running ones, and closes the
// log.
func (b *BackgroundFixed) ShutdownFixed() error {
	b.gate.Lock()
	b.closing = true
	b.gate.Unlock()
	b.wg.Wait()
	b.outMu.Lock()
	defer b.outMu.Unlock()
	return b.out.Close()
}
