package t11

// Fix: the idle check and the transition out of idle happen in one critical
// section. StartFixed moves the keeper to an intermediate stateStarting
// before releasing the lock to call Grant, so a concurrent StartFixed sees a
// non-idle keeper and waits for the in-progress start instead of granting a
// second lease. A failed Grant returns the keeper to idle. StopFixed waits
// for a start in progress so that it always stops the lease that was
// actually granted.

import (
	"context"
	"time"
)

const stateStarting state = -1

// KeeperFixed is Keeper with an atomic idle -> starting transition.
type KeeperFixed struct {
	Keeper
	started chan struct{} // closed when the current start attempt finishes; guarded by mu
}

// NewKeeperFixed returns an idle keeper.
func NewKeeperFixed(c LeaseClient, ttl time.Duration) *KeeperFixed {
	return &KeeperFixed{Keeper: Keeper{client: c, ttl: ttl}}
}

// StartFixed grants a lease and starts keeping it alive, at most once.
func (k *KeeperFixed) StartFixed(ctx context.Context) (LeaseID, error) {
	k.mu.Lock()
	for k.st == stateStarting {
		wait := k.started
		k.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		k.mu.Lock()
	}
	if k.st == stateRunning {
		id := k.id
		k.mu.Unlock()
		return id, nil
	}
	k.st = stateStarting
	started := make(chan struct{})
	k.started = started
	k.mu.Unlock()
	defer close(started)

	id, err := k.client.Grant(ctx, k.ttl)

	k.mu.Lock()
	defer k.mu.Unlock()
	if err != nil {
		k.st = stateIdle
		return 0, err
	}
	kctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	k.st, k.id, k.cancel, k.done = stateRunning, id, cancel, done
	go k.keepAlive(kctx, id, done)
	return id, nil
}

// StopFixed ends the keep-alive loop and revokes the lease, waiting for a
// start in progress first.
func (k *KeeperFixed) StopFixed(ctx context.Context) error {
	k.mu.Lock()
	for k.st == stateStarting {
		wait := k.started
		k.mu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return ctx.Err()
		}
		k.mu.Lock()
	}
	k.mu.Unlock()
	return k.Stop(ctx)
}
