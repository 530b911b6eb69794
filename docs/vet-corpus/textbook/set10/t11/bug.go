// Package t11 is the lease keeper of a service that registers itself (and,
// when elected, its leader key) in an etcd-like store under a TTL lease. The
// keeper grants the lease and runs a keep-alive loop until it is stopped;
// keys attached to the lease vanish when the lease expires or is revoked.
//
// Concurrency: Start is called by the election campaign goroutine when this
// node wins, and also by the session-watchdog goroutine that calls Start
// after every reconnection to "make sure we hold a lease". Stop is called
// when the node steps down or shuts down. State lives behind k.mu, accessed
// through the getState / setRunning helpers.
//
// BUG: Start checks getState() == stateIdle, releases the lock, grants a
// lease over the network and only then marks the keeper running with
// setRunning. The campaign goroutine and the watchdog can both pass the check;
// both grant a lease and both start a keep-alive loop, and the second
// setRunning overwrites the first lease ID and cancel function.
//
// HARM: Stop cancels and revokes only the second lease. The first keep-alive
// loop keeps renewing its lease forever, so the leader key attached to it
// never expires: after this node steps down no other node can win the
// election, and the cluster is left without a working leader until the
// process is restarted.
package t11

import (
	"context"
	"sync"
	"time"
)

// LeaseID identifies a lease in the store.
type LeaseID int64

// LeaseClient is the subset of the store client the keeper uses.
type LeaseClient interface {
	Grant(ctx context.Context, ttl time.Duration) (LeaseID, error)
	KeepAliveOnce(ctx context.Context, id LeaseID) error
	Revoke(ctx context.Context, id LeaseID) error
}

type state int

const (
	stateIdle state = iota
	stateRunning
)

// Keeper grants a lease and keeps it alive until stopped.
type Keeper struct {
	client LeaseClient
	ttl    time.Duration

	mu     sync.Mutex
	st     state
	id     LeaseID
	cancel context.CancelFunc
	done   chan struct{}
}

// NewKeeper returns an idle keeper.
func NewKeeper(c LeaseClient, ttl time.Duration) *Keeper {
	return &Keeper{client: c, ttl: ttl}
}

func (k *Keeper) getState() state {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.st
}

func (k *Keeper) setRunning(id LeaseID, cancel context.CancelFunc, done chan struct{}) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.st, k.id, k.cancel, k.done = stateRunning, id, cancel, done
}

// Start grants a lease and starts keeping it alive. It is a no-op if the
// keeper is already running.
func (k *Keeper) Start(ctx context.Context) (LeaseID, error) {
	if k.getState() != stateIdle {
		return k.LeaseID(), nil
	}
	id, err := k.client.Grant(ctx, k.ttl)
	if err != nil {
		return 0, err
	}
	kctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	k.setRunning(id, cancel, done)
	go k.keepAlive(kctx, id, done)
	return id, nil
}

func (k *Keeper) keepAlive(ctx context.Context, id LeaseID, done chan struct{}) {
	defer close(done)
	t := time.NewTicker(k.ttl / 3)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = k.client.KeepAliveOnce(ctx, id) // retried on next tick
		}
	}
}

// LeaseID returns the current lease, or 0 when idle.
func (k *Keeper) LeaseID() LeaseID {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.id
}

// Stop ends the keep-alive loop and revokes the lease.
func (k *Keeper) Stop(ctx context.Context) error {
	k.mu.Lock()
	if k.st != stateRunning {
		k.mu.Unlock()
		return nil
	}
	id, cancel, done := k.id, k.cancel, k.done
	k.st, k.id, k.cancel, k.done = stateIdle, 0, nil, nil
	k.mu.Unlock()

	cancel()
	<-done
	return k.client.Revoke(ctx, id)
}
