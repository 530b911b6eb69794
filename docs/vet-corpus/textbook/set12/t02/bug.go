// Package t02 is the charge endpoint of the payment service. Clients send an
// Idempotency-Key with every charge so that retries after a timeout never
// charge the card twice.
//
// Concurrency: every HTTP request runs Service.Pay on its own goroutine.
// Mobile clients retry aggressively, so the original request and one or more
// retries with the same key are routinely in flight at the same time.
// Completed receipts are kept in a sync.Map keyed by idempotency key and a
// background goroutine started by New expires old keys.
//
// BUG: Pay looks the key up in s.receipts, finds nothing, calls the card
// processor, and stores the receipt afterwards. The lookup and the store are
// separate sync.Map operations with a slow network call in between, so a
// retry that arrives while the first attempt is still talking to the
// processor also misses and charges again (check -> act).
//
// HARM: the customer's card is charged twice for one order; the duplicate
// has to be found and refunded by hand, and the chargeback fees and
// scheme penalties land on the merchant.
package t02

import (
	"context"
	"errors"
	"sync"
	"time"
)

// ErrBadRequest is returned for malformed charge requests.
var ErrBadRequest = errors.New("payments: invalid charge request")

// ChargeRequest is what the client asks to be charged.
type ChargeRequest struct {
	CustomerID  string
	AmountCents int64
	Currency    string
	CardToken   string
}

// Receipt is what the processor returns for a successful charge.
type Receipt struct {
	ChargeID  string
	Amount    int64
	Currency  string
	CreatedAt time.Time
}

// Processor is the card network client.
type Processor interface {
	Charge(ctx context.Context, req ChargeRequest) (Receipt, error)
}

type storedReceipt struct {
	receipt Receipt
	at      time.Time
}

// Service handles idempotent charges.
type Service struct {
	proc     Processor
	ttl      time.Duration
	receipts sync.Map // idempotency key -> storedReceipt
}

// New returns a Service and starts the key expiry loop until ctx is done.
func New(ctx context.Context, proc Processor, ttl time.Duration) *Service {
	s := &Service{proc: proc, ttl: ttl}
	go s.expireLoop(ctx)
	return s
}

func (s *Service) lookup(key string) (Receipt, bool) {
	v, ok := s.receipts.Load(key)
	if !ok {
		return Receipt{}, false
	}
	return v.(storedReceipt).receipt, true
}

func validate(req ChargeRequest) error {
	if req.AmountCents <= 0 || req.Currency == "" || req.CardToken == "" {
		return ErrBadRequest
	}
	return nil
}

// Pay charges the card once per idempotency key and returns the receipt.
func (s *Service) Pay(ctx context.Context, key string, req ChargeRequest) (Receipt, error) {
	if err := validate(req); err != nil {
		return Receipt{}, err
	}
	if r, ok := s.lookup(key); ok {
		return r, nil
	}
	r, err := s.proc.Charge(ctx, req)
	if err != nil {
		return Receipt{}, err
	}
	s.receipts.Store(key, storedReceipt{receipt: r, at: time.Now()})
	return r, nil
}

func (s *Service) expireLoop(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			s.receipts.Range(func(k, v any) bool {
				if now.Sub(v.(storedReceipt).at) > s.ttl {
					s.receipts.CompareAndDelete(k, v)
				}
				return true
			})
		}
	}
}
