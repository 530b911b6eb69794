// Package s03 pays out merchant balances.
//
// BUG (check-then-act on an atomic.Int64): Debit loads the balance, returns
// ErrInsufficientFunds if it is too low, and otherwise calls Add(-cents).
// Both operations are atomic but the pair is not. ProcessPayouts runs several
// worker goroutines that debit the same wallet; two workers can both load a
// balance of 100_00, both pass the check for a 80_00 payout and both
// subtract, leaving the wallet at -60_00. Money that the merchant never had
// is wired out.
package s03

import (
	"errors"
	"log"
	"sync"
	"sync/atomic"
)

var ErrInsufficientFunds = errors.New("wallet: insufficient funds")

// Wallet holds a balance in cents. Safe for concurrent use.
type Wallet struct {
	ID      string
	balance atomic.Int64
}

func (w *Wallet) Balance() int64 { return w.balance.Load() }

func (w *Wallet) Credit(cents int64) { w.balance.Add(cents) }

// Debit removes cents from the wallet if the balance covers it.
func (w *Wallet) Debit(cents int64) error {
	if w.balance.Load() < cents {
		return ErrInsufficientFunds
	}
	w.balance.Add(-cents)
	return nil
}

type Payout struct {
	ID    string
	Cents int64
}

// ProcessPayouts debits w for every payout in queue and hands it to send,
// using the given number of worker goroutines.
func ProcessPayouts(w *Wallet, queue <-chan Payout, workers int, send func(Payout) error) {
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range queue {
				if err := w.Debit(p.Cents); err != nil {
					log.Printf("payout %s rejected: %v", p.ID, err)
					continue
				}
				if err := send(p); err != nil {
					w.Credit(p.Cents) // refund on transfer failure
					log.Printf("payout %s failed: %v", p.ID, err)
				}
			}
		}()
	}
	wg.Wait()
}
