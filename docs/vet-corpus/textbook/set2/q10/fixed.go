package q10

import (
	"errors"
	"fmt"
	"sync"
)

var (
	ErrInsufficientFixed = errors.New("insufficient funds")
	ErrNoAccountFixed    = errors.New("no such account")
)

type AccountFixed struct {
	mu      sync.Mutex
	id      string
	balance int64
}

// TryWithdrawFixed checks and debits under the same lock.
func (a *AccountFixed) TryWithdrawFixed(amount int64) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.balance < amount {
		return ErrInsufficientFixed
	}
	a.balance -= amount
	return nil
}

func (a *AccountFixed) DepositFixed(amount int64) {
	a.mu.Lock()
	a.balance += amount
	a.mu.Unlock()
}

// BankFixed is shared by the payment API's request goroutines.
type BankFixed struct {
	mu       sync.RWMutex
	accounts map[string]*AccountFixed
}

func NewBankFixed() *BankFixed { return &BankFixed{accounts: make(map[string]*AccountFixed)} }

func (b *BankFixed) OpenFixed(id string, initial int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.accounts[id] = &AccountFixed{id: id, balance: initial}
}

func (b *BankFixed) accountFixed(id string) (*AccountFixed, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()
	a, ok := b.accounts[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoAccountFixed, id)
	}
	return a, nil
}

func (b *BankFixed) TransferFixed(fromID, toID string, amount int64) error {
	from, err := b.accountFixed(fromID)
	if err != nil {
		return err
	}
	to, err := b.accountFixed(toID)
	if err != nil {
		return err
	}
	if err := from.TryWithdrawFixed(amount); err != nil {
		return err
	}
	to.DepositFixed(amount)
	return nil
}
