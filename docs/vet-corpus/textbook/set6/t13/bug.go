// Package t13 is the wallet service of a mobile game: players spend in-game
// credits through POST /wallet/{id}/withdraw, and each request runs on its own
// net/http handler goroutine. Balances live behind an AccountStore interface
// (an in-memory implementation here; a cache-backed one in staging), whose Get
// and Put are individually thread-safe and exchange Account values by copy.
//
// BUG [hard] (Wallet.Withdraw: check = acct.Balance < amount on the copy
// returned by w.store.Get(id) -> act = w.store.Put(acct) writing back the
// decremented copy): the read and the write-back are two separate calls
// through an interface, each with its own critical section inside memStore.
// Two concurrent withdrawals both read the same balance, both pass the funds
// check, and the second Put overwrites the first.
//
// Harm: players can spend the same credits twice by firing parallel requests
// (double-spend), and the stored balance reflects only one of the debits, so
// the ledger and the balance disagree.
package t13

import (
	"errors"
	"sync"
	"time"
)

var (
	// ErrNoAccount is returned for an unknown account ID.
	ErrNoAccount = errors.New("no such account")
	// ErrInsufficientFunds is returned when the balance is too low.
	ErrInsufficientFunds = errors.New("insufficient funds")
)

// Account is a player's credit balance.
type Account struct {
	ID      string
	Balance int64
	Version int64
	Updated time.Time
}

// AccountStore persists accounts. Implementations are safe for concurrent use.
type AccountStore interface {
	Get(id string) (Account, bool)
	Put(a Account)
}

type memStore struct {
	mu   sync.Mutex
	accs map[string]Account
}

// NewMemStore returns an empty in-memory AccountStore.
func NewMemStore() AccountStore { return &memStore{accs: make(map[string]Account)} }

func (m *memStore) Get(id string) (Account, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accs[id]
	return a, ok
}

func (m *memStore) Put(a Account) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.accs[a.ID] = a
}

// Wallet applies debits and credits.
type Wallet struct {
	store  AccountStore
	ledger func(id string, delta int64, balance int64)
}

// NewWallet returns a wallet on store that reports every movement to ledger.
func NewWallet(store AccountStore, ledger func(string, int64, int64)) *Wallet {
	return &Wallet{store: store, ledger: ledger}
}

// Withdraw debits amount from account id and returns the new balance.
func (w *Wallet) Withdraw(id string, amount int64) (int64, error) {
	if amount <= 0 {
		return 0, errors.New("amount must be positive")
	}
	acct, ok := w.store.Get(id)
	if !ok {
		return 0, ErrNoAccount
	}
	if acct.Balance < amount {
		return acct.Balance, ErrInsufficientFunds
	}
	acct.Balance -= amount
	acct.Version++
	acct.Updated = time.Now()
	w.store.Put(acct)
	w.ledger(id, -amount, acct.Balance)
	return acct.Balance, nil
}
