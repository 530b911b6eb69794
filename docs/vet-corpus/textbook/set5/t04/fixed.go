package t04

import (
	"errors"
	"sync/atomic"
)

// WalletFixed is a prepaid balance. Safe for concurrent use.
type WalletFixed struct {
	ID      string
	balance atomic.Int64
}

// Credit adds amount cents.
func (w *WalletFixed) Credit(amount int64) { w.balance.Add(amount) }

// Debit uses a compare-and-swap loop so the funds check and the subtraction
// apply to the same observed balance.
func (w *WalletFixed) Debit(amount int64) error {
	if amount <= 0 {
		return errors.New("wallet: non-positive amount")
	}
	for {
		cur := w.balance.Load()
		if cur < amount {
			return ErrInsufficientFunds
		}
		if w.balance.CompareAndSwap(cur, cur-amount) {
			return nil
		}
	}
}
