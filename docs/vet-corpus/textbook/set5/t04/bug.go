// Package t04 implements prepaid wallets for an API platform. Each wallet's
// balance (in cents) is an atomic.Int64 so that the metering path can debit
// without taking a lock. Debit is called from the usage-reporting HTTP handler
// and from the batch biller's worker goroutines at the same time.
//
// BUG (check-then-act on atomic.Int64): the check is w.balance.Load() >=
// amount ("sufficient funds?"), the act is w.balance.Add(-amount). Each atomic
// operation is fine on its own, but two concurrent debits can both observe a
// balance that covers one of them and both subtract, driving the balance
// negative: the customer spends money they do not have (a double spend), and
// ErrInsufficientFunds is never returned for the second debit.
package t04

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// ErrInsufficientFunds is returned when a debit would overdraw the wallet.
var ErrInsufficientFunds = errors.New("wallet: insufficient funds")

// Wallet is a prepaid balance. Safe for concurrent use.
type Wallet struct {
	ID      string
	balance atomic.Int64
}

// Credit adds amount cents.
func (w *Wallet) Credit(amount int64) { w.balance.Add(amount) }

// Balance returns the current balance in cents.
func (w *Wallet) Balance() int64 { return w.balance.Load() }

// Debit withdraws amount cents or fails with ErrInsufficientFunds.
func (w *Wallet) Debit(amount int64) error {
	if amount <= 0 {
		return errors.New("wallet: non-positive amount")
	}
	if w.balance.Load() < amount {
		return ErrInsufficientFunds
	}
	w.balance.Add(-amount)
	return nil
}

// ServeUsage is the POST /usage?cents=N handler.
func (w *Wallet) ServeUsage(rw http.ResponseWriter, r *http.Request) {
	cents, err := strconv.ParseInt(r.URL.Query().Get("cents"), 10, 64)
	if err != nil {
		http.Error(rw, "bad amount", http.StatusBadRequest)
		return
	}
	if err := w.Debit(cents); err != nil {
		http.Error(rw, err.Error(), http.StatusPaymentRequired)
		return
	}
	rw.WriteHeader(http.StatusNoContent)
}

// BillBatch debits a batch of charges with a small worker pool.
func BillBatch(w *Wallet, charges []int64, workers int) (failed int64) {
	var nFailed atomic.Int64
	ch := make(chan int64)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := range ch {
				if w.Debit(c) != nil {
					nFailed.Add(1)
				}
			}
		}()
	}
	for _, c := range charges {
		ch <- c
	}
	close(ch)
	wg.Wait()
	return nFailed.Load()
}
