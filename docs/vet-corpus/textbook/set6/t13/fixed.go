// Fix: the store interface gains an Update method that runs the funds check
// and the debit on the stored record under the store's own lock
// (AccountStoreFixed.Update), so the read, the check and the write-back are
// one critical section.

package t13

import (
	"errors"
	"sync"
	"time"
)

// AccountStoreFixed persists accounts. Update runs fn atomically on the
// stored account and persists the result only if fn returns nil.
type AccountStoreFixed interface {
	Get(id string) (Account, bool)
	Update(id string, fn func(a *Account) error) (Account, error)
}

type memStoreFixed struct {
	mu   sync.Mutex
	accs map[string]Account
}

// NewMemStoreFixed returns an empty in-memory AccountStoreFixed.
func NewMemStoreFixed() AccountStoreFixed { return &memStoreFixed{accs: make(map[string]Account)} }

func (m *memStoreFixed) Get(id string) (Account, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accs[id]
	return a, ok
}

func (m *memStoreFixed) Update(id string, fn func(a *Account) error) (Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accs[id]
	if !ok {
		return Account{}, ErrNoAccount
	}
	if err := fn(&a); err != nil {
		return a, err
	}
	m.accs[id] = a
	return a, nil
}

// WalletFixed applies debits and credits.
type WalletFixed struct {
	store  AccountStoreFixed
	ledger func(id string, delta int64, balance int64)
}

// NewWalletFixed returns a wallet on store that reports every movement to ledger.
func NewWalletFixed(store AccountStoreFixed, ledger func(string, int64, int64)) *WalletFixed {
	return &WalletFixed{store: store, ledger: ledger}
}

// Withdraw debits amount from account id and returns the new balance.
func (w *WalletFixed) Withdraw(id string, amount int64) (int64, error) {
	if amount <= 0 {
		return 0, errors.New("amount must be positive")
	}
	acct, err := w.store.Update(id, func(a *Account) error {
		if a.Balance < amount {
			return ErrInsufficientFunds
		}
		a.Balance -= amount
		a.Version++
		a.Updated = time.Now()
		return nil
	})
	if err != nil {
		return acct.Balance, err
	}
	w.ledger(id, -amount, acct.Balance)
	return acct.Balance, nil
}
