// Package t11 is the gift-card wallet of the storefront. Balances live in an
// in-memory store (snapshotted to disk elsewhere) that hands out Wallet
// values; the service layer applies spends at checkout.
//
// Concurrency: Spend is called from HTTP checkout handlers; the
// same card is often used from two tabs or by a retrying client at once.
//
// BUG [hard] (struct copied out of a map, checked, written back): Spend reads
// a copy of the wallet through the getter Store.Get (lock released on
// return), checks the funds on that copy in the helper checkFunds, and acts
// by decrementing the copy and writing it back with the setter Store.Put.
// Two concurrent spends both pass checkFunds against the same old balance,
// and the second Put overwrites the first.
//
// Harm: a card with 50.00 can pay for two 40.00 orders (the balance ends at
// 10.00 instead of the second order being rejected), so the shop ships
// goods that were never paid for.
package t11

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

var (
	ErrNotFound          = errors.New("t11: wallet not found")
	ErrInsufficientFunds = errors.New("t11: insufficient funds")
)

// Wallet is a gift-card balance in cents.
type Wallet struct {
	ID      string
	Balance int64
	Version int64
	Updated time.Time
}

// Store holds wallets by ID.
type Store struct {
	mu      sync.Mutex
	wallets map[string]Wallet
}

// NewStore returns an empty store.
func NewStore() *Store { return &Store{wallets: make(map[string]Wallet)} }

// Get returns a copy of the wallet.
func (s *Store) Get(id string) (Wallet, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.wallets[id]
	return w, ok
}

// Put stores w, replacing any previous value.
func (s *Store) Put(w Wallet) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.wallets[w.ID] = w
}

// Service applies balance changes.
type Service struct {
	store *Store
	now   func() time.Time
}

// NewService returns a service over store.
func NewService(store *Store) *Service { return &Service{store: store, now: time.Now} }

func checkFunds(w Wallet, amount int64) error {
	if amount <= 0 {
		return fmt.Errorf("t11: invalid amount %d", amount)
	}
	if w.Balance < amount {
		return fmt.Errorf("%w: balance %d, need %d", ErrInsufficientFunds, w.Balance, amount)
	}
	return nil
}

// Spend debits amount cents from the wallet and returns the new balance.
func (svc *Service) Spend(id string, amount int64) (int64, error) {
	w, ok := svc.store.Get(id)
	if !ok {
		return 0, ErrNotFound
	}
	if err := checkFunds(w, amount); err != nil {
		return w.Balance, err
	}
	w.Balance -= amount
	w.Version++
	w.Updated = svc.now()
	svc.store.Put(w)
	return w.Balance, nil
}
