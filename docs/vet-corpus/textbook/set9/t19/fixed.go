package t19

// Fix: decide and remove under the same mutex that Acquire uses to bump
// inUse. sweepFixed checks idleness and deletes the entry in one critical
// section, collecting the victims, and closes them only after unlocking.
// An entry Acquire has handed out has inUse > 0 at that moment and is kept;
// an entry that was deleted can no longer be found by Acquire, so nothing
// closed is ever in use.

import (
	"context"
	"time"
)

func (p *Pool[K, V]) sweepFixed(now time.Time) {
	var victims []*entry[V]
	p.mu.Lock()
	for k, e := range p.m {
		idle := now.Sub(time.Unix(0, e.lastUsed.Load()))
		if e.inUse.Load() == 0 && idle > p.idleTTL {
			delete(p.m, k)
			victims = append(victims, e)
		}
	}
	p.mu.Unlock()
	for _, e := range victims {
		e.v.Close()
	}
}

// JanitorFixed is Janitor using sweepFixed.
func (p *Pool[K, V]) JanitorFixed(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			p.sweepFixed(now)
		}
	}
}
