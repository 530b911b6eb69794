// Package r07 keeps prepaid game-credit wallets in memory; each wallet's
// balance is a lock-free atomic counter.
//
// BUG (check-then-act on an atomic.Int64): Wallet.Spend loads the balance,
// rejects the purchase if the balance is too small, and otherwise subtracts
// the price with a separate atomic Add. A player who fires several purchase
// requests at once (double-click, two devices, a scripted client) gets them
// served by concurrent HTTP handler goroutines; each one loads the same
// balance, each passes the check, and each subtracts. The wallet goes
// negative: the player receives items worth more than the credit they paid
// for, and the loss is unrecoverable because credits are non-refundable.
package r07

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

var ErrInsufficientFunds = errors.New("wallet: insufficient funds")

// Wallet is safe for concurrent use.
type Wallet struct {
	balance atomic.Int64 // in credits
}

func (w *Wallet) Deposit(n int64) { w.balance.Add(n) }

func (w *Wallet) Balance() int64 { return w.balance.Load() }

// Spend debits price credits, failing if the balance does not cover it.
func (w *Wallet) Spend(price int64) error {
	if w.balance.Load() < price {
		return ErrInsufficientFunds
	}
	w.balance.Add(-price)
	return nil
}

// Shop serves POST /buy?player=..&price=..
type Shop struct {
	mu      sync.Mutex
	wallets map[string]*Wallet
	grant   func(player string, price int64)
}

func NewShop(grant func(player string, price int64)) *Shop {
	return &Shop{wallets: make(map[string]*Wallet), grant: grant}
}

func (s *Shop) wallet(player string) *Wallet {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.wallets[player]
	if !ok {
		w = &Wallet{}
		s.wallets[player] = w
	}
	return w
}

func (s *Shop) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	player := r.URL.Query().Get("player")
	price, err := strconv.ParseInt(r.URL.Query().Get("price"), 10, 64)
	if err != nil || price <= 0 {
		http.Error(rw, "bad price", http.StatusBadRequest)
		return
	}
	if err := s.wallet(player).Spend(price); err != nil {
		http.Error(rw, err.Error(), http.StatusPaymentRequired)
		return
	}
	s.grant(player, price)
	rw.WriteHeader(http.StatusNoContent)
}
