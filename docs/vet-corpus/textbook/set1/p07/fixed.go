package p07

import "sync"

// AccountFixed is safe for concurrent use.
type AccountFixed struct {
	mu      sync.Mutex
	balance int64
}

// BalanceFixed returns the current balance in cents.
func (a *AccountFixed) BalanceFixed() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

// WithdrawFixed debits amount if the balance covers it, check and debit
// under one critical section.
func (a *AccountFixed) WithdrawFixed(amount int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < amount {
		return ErrInsufficientFunds
	}
	a.balance -= amount
	return nil
}
