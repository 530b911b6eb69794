package lockedmaps

import (
	"context"
	"errors"
	"sync"
	"time"
)

// A busy marker waited on, then put back with no second look: the shape of
// mholt/photobak#5 (repo.go:657 at 5ea233c, fixed in 2facf9b). The map
// holds a channel per checksum being saved; a goroutine that finds one
// waits for it to close, takes the lock again and puts its own channel
// there. Two goroutines waiting on the same channel both wake, both put
// theirs, and both save the same content as its only holder.
type repository struct {
	mu        sync.Mutex
	checksums map[string]chan struct{}
}

func (r *repository) reserve(sum string) (release func()) {
	r.mu.Lock()
	ch, taken := r.checksums[sum]
	if taken {
		r.mu.Unlock()
		<-ch
		r.mu.Lock()
	}
	ch = make(chan struct{})
	r.checksums[sum] = ch // want `r.checksums\[sum\] = … after r.checksums\[sum\] on line 23 waits on the entry the check found, then stores without looking again, but is not atomic with it: another goroutine can wait on the same entry and store sum in between, and both go on as its holder; use a loop that looks again after each wait and stores, under the lock it looks under, only when it finds no entry`
	r.mu.Unlock()
	return func() {
		r.mu.Lock()
		delete(r.checksums, sum)
		r.mu.Unlock()
		close(ch)
	}
}

// The same wait in a select that gives up with the context.
func (r *repository) reserveCtx(ctx context.Context, sum string) error {
	r.mu.Lock()
	ch, taken := r.checksums[sum]
	if taken {
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		r.mu.Lock()
	}
	r.checksums[sum] = make(chan struct{}) // want `waits on the entry the check found, then stores without looking again`
	r.mu.Unlock()
	return nil
}

// The fix: a loop that looks again after each wait.
func (r *repository) reserveLoop(sum string) chan struct{} {
	mine := make(chan struct{})
	for {
		r.mu.Lock()
		if ch, taken := r.checksums[sum]; taken {
			r.mu.Unlock()
			<-ch
			continue
		}
		r.checksums[sum] = mine
		r.mu.Unlock()
		return mine
	}
}

var errBusy = errors.New("busy")

// A second look after the wait, under the lock the store is made under.
func (r *repository) reserveOnce(sum string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ch, taken := r.checksums[sum]; taken {
		r.mu.Unlock()
		<-ch
		r.mu.Lock()
		if _, again := r.checksums[sum]; again {
			return errBusy
		}
	}
	r.checksums[sum] = make(chan struct{})
	return nil
}

// A wait on something other than the entry found is no busy marker.
func (r *repository) afterFlush(sum string, flushed chan struct{}) {
	r.mu.Lock()
	_, taken := r.checksums[sum]
	r.mu.Unlock()
	if taken {
		<-flushed
	}
	r.mu.Lock()
	r.checksums[sum] = make(chan struct{})
	r.mu.Unlock()
}

// couchbase/gocbcore memdclientdialer_component.go:203 (fd54a52e, a false
// alarm of the twenty-ninth precision set): the map keeps each address's
// last dial failure; a dialler waits out the rest of the back-off the
// entry asks for, on a timer made from it, and every failure records a
// new time. Waiting for time to pass is no busy marker: nobody holds the
// key, and the last writer's time is the one to keep.
type dialer struct {
	mu       sync.Mutex
	failures map[string]time.Time
	backoff  time.Duration
}

func (d *dialer) dial(cancel <-chan struct{}, addr string) error {
	d.mu.Lock()
	failed := d.failures[addr]
	d.mu.Unlock()
	if !failed.IsZero() {
		if waited := time.Since(failed); waited < d.backoff {
			select {
			case <-cancel:
				return errBusy
			case <-time.After(d.backoff - waited):
			}
		}
	}
	if err := connect(addr); err != nil {
		d.mu.Lock()
		d.failures[addr] = time.Now()
		d.mu.Unlock()
		return err
	}
	return nil
}

func connect(addr string) error { return nil }

// A wait on a channel a method of the found entry answers is a wait on the
// entry.
type pending struct{ done chan struct{} }

func (p *pending) Done() <-chan struct{} { return p.done }

type pendingSet struct {
	mu      sync.Mutex
	entries map[string]*pending
}

func (s *pendingSet) claim(key string) *pending {
	s.mu.Lock()
	p, busy := s.entries[key]
	s.mu.Unlock()
	if busy {
		<-p.Done()
	}
	mine := &pending{done: make(chan struct{})}
	s.mu.Lock()
	s.entries[key] = mine // want `waits on the entry the check found, then stores without looking again`
	s.mu.Unlock()
	return mine
}
