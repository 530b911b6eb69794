// Package p07 holds customer account balances.
//
// BUG: Withdraw reads the balance through Balance (locked), checks it covers
// the amount, then writes through SetBalance (locked again). Two concurrent
// withdrawals of 80 from 100 both pass the check and both set 20: the account
// pays out 160 while being debited 80 (lost update / overdraft).
package p07

import (
	"errors"
	"sync"
)

// ErrInsufficientFunds is returned when the balance does not cover a withdrawal.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Account is safe for concurrent use.
type Account struct {
	mu      sync.Mutex
	balance int64
}

// Balance returns the current balance in cents.
func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// SetBalance sets the balance in cents.
func (a *Account) SetBalance(v int64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.balance = v
}

// Withdraw debits amount if the balance covers it.
func Withdraw(a *Account, amount int64) error {
	if a.Balance() < amount {
		return ErrInsufficientFunds
	}
	a.SetBalance(a.Balance() - amount)
	return nil
}
