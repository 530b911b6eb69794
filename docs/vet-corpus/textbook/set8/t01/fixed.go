package t01

// FIX: claim the idempotency key atomically *before* charging, with
// sync.Map.LoadOrStore of an in-flight entry. Exactly one goroutine wins the
// claim and talks to the gateway; every other request for the same key waits
// on the entry's done channel and replays the winner's result. On failure the
// claim is removed so the client may retry.

import (
	"sync"
	"time"
)

type pendingCharge struct {
	done chan struct{}
	rec  *Receipt
	err  error
}

// ChargeServiceFixed captures payments at most once per idempotency key.
type ChargeServiceFixed struct {
	gw   Gateway
	seen sync.Map // idempotency key -> *pendingCharge
}

func NewChargeServiceFixed(gw Gateway) *ChargeServiceFixed {
	return &ChargeServiceFixed{gw: gw}
}

// CaptureFixed charges at most once per key.
func (s *ChargeServiceFixed) CaptureFixed(key, customerID string, amount int64) (*Receipt, error) {
	p := &pendingCharge{done: make(chan struct{})}
	if v, loaded := s.seen.LoadOrStore(key, p); loaded { // check+claim in one step
		prev := v.(*pendingCharge)
		<-prev.done
		return prev.rec, prev.err
	}
	id, err := s.gw.Charge(customerID, amount)
	if err != nil {
		p.err = err
		s.seen.CompareAndDelete(key, p) // allow a later retry
		close(p.done)
		return nil, err
	}
	p.rec = &Receipt{ChargeID: id, AmountCents: amount, CreatedAt: time.Now()}
	close(p.done)
	return p.rec, nil
}
