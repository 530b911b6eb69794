package t02

// Fixed version: PayFixed claims the idempotency key with LoadOrStore before
// calling the processor. Exactly one request per key performs the charge;
// concurrent retries wait on the in-flight attempt's done channel and return
// its result. A failed attempt removes its own entry so a later retry can
// try again.

import (
	"context"
	"sync"
	"time"
)

type attemptFixed struct {
	done    chan struct{}
	receipt Receipt
	err     error
	at      time.Time // set before done is closed
}

// ServiceFixed handles idempotent charges.
type ServiceFixed struct {
	proc     Processor
	ttl      time.Duration
	attempts sync.Map // idempotency key -> *attemptFixed
}

// NewFixed returns a ServiceFixed and starts the key expiry loop.
func NewFixed(ctx context.Context, proc Processor, ttl time.Duration) *ServiceFixed {
	s := &ServiceFixed{proc: proc, ttl: ttl}
	go s.expireLoop(ctx)
	return s
}

// PayFixed charges the card once per idempotency key and returns the receipt.
func (s *ServiceFixed) PayFixed(ctx context.Context, key string, req ChargeRequest) (Receipt, error) {
	if err := validate(req); err != nil {
		return Receipt{}, err
	}
	a := &attemptFixed{done: make(chan struct{})}
	if v, loaded := s.attempts.LoadOrStore(key, a); loaded {
		prev := v.(*attemptFixed)
		select {
		case <-prev.done:
			return prev.receipt, prev.err
		case <-ctx.Done():
			return Receipt{}, ctx.Err()
		}
	}
	a.receipt, a.err = s.proc.Charge(context.WithoutCancel(ctx), req)
	a.at = time.Now()
	if a.err != nil {
		s.attempts.CompareAndDelete(key, a)
	}
	close(a.done)
	return a.receipt, a.err
}

func (s *ServiceFixed) expireLoop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.attempts.Range(func(k, v any) bool {
				a := v.(*attemptFixed)
				select {
				case <-a.done:
					if now.Sub(a.at) > s.ttl {
						s.attempts.CompareAndDelete(k, v)
					}
				default: // still in flight
				}
				return true
			})
		}
	}
}
