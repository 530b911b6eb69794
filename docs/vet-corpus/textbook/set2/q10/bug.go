// Package q10 implements transfers between in-memory ledger accounts.
//
// BUG: Transfer checks from.Balance() and then calls from.Withdraw, each of
// which takes the account lock separately. Two concurrent transfers out of the
// same account both pass the balance check and both withdraw, overdrawing an
// account that is not allowed to go negative (money is created from nothing).
package q10

import (
	"errors"
	"fmt"
	"sync"
)

var (
	ErrInsufficient = errors.New("insufficient funds")
	ErrNoAccount    = errors.New("no such account")
)

type Account struct {
	mu      sync.Mutex
	id      string
	balance int64
}

func (a *Account) Balance() int64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.balance
}

func (a *Account) Withdraw(amount int64) {
	a.mu.Lock()
	a.balance -= amount
	a.mu.Unlock()
}

func (a *Account) Deposit(amount int64) {
	a.mu.Lock()
	a.balance += amount
	a.mu.Unlock()
}

// Bank is shared by the payment API's request goroutines.
type Bank struct {
	mu       sync.RWMutex
	accounts map[string]*Account
}

func NewBank() *Bank { return &Bank{accounts: make(map[string]*Account)} }

func (b *Bank) Open(id string, initial int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accounts[id] = &Account{id: id, balance: initial}
}

func (b *Bank) account(id string) (*Account, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	a, ok := b.accounts[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoAccount, id)
	}
	return a, nil
}

func (b *Bank) Transfer(fromID, toID string, amount int64) error {
	from, err := b.account(fromID)
	if err != nil {
		return err
	}
	to, err := b.account(toID)
	if err != nil {
		return err
	}
	if from.Balance() < amount {
		return ErrInsufficient
	}
	from.Withdraw(amount)
	to.Deposit(amount)
	return nil
}
