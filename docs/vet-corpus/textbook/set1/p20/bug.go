// Package p20 moves money between wallets.
//
// BUG: Transfer locks from to check the balance, unlocks, and later locks from
// again to debit. Two transfers of 70 out of a wallet holding 100 both pass
// the check before either debits, leaving the wallet at -40 (overdraft; money
// created out of nothing at the receivers).
package p20

import (
	"errors"
	"sync"
)

// ErrInsufficient is returned when the source wallet cannot cover a transfer.
var ErrInsufficient = errors.New("insufficient balance")

// Wallet is safe for concurrent use.
type Wallet struct {
	ID string

	mu      sync.Mutex
	balance int64
}

// Transfer moves amount from one wallet to another. Called concurrently by
// payment handlers.
func Transfer(from, to *Wallet, amount int64) error {
	from.mu.Lock()
	ok := from.balance >= amount
	from.mu.Unlock()
	if !ok {
		return ErrInsufficient
	}

	from.mu.Lock()
	from.balance -= amount
	from.mu.Unlock()

	to.mu.Lock()
	to.balance += amount
	to.mu.Unlock()
	return nil
}
