// Package t01 implements the in-memory wallet ledger of a small payments
// service: users top up a balance and spend it on purchases.
//
// Concurrency: Ledger.ServeHTTP (and thus Spend) runs on one net/http handler
// goroutine per request. A single user routinely has several spends in flight
// at once: two browser tabs, a mobile client retrying after a timeout, a
// subscription renewal job running at the same moment.
//
// BUG: Spend checks the balance with l.balance(user), which locks and unlocks
// the mutex, and then debits with l.debit(user, cents), which locks the mutex
// again. The check and the act are individually locked but not atomic
// together: two concurrent Spends for the same user can both observe
// balance >= cents before either of them debits.
//
// HARM: the account is overdrawn. With a balance of 100.00, two concurrent
// purchases of 80.00 both succeed, the balance ends at -60.00 and the merchant
// ships goods that were never paid for.
package t01

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// ErrInsufficientFunds is returned when the balance does not cover a spend.
var ErrInsufficientFunds = errors.New("insufficient funds")

// Ledger holds balances in cents, keyed by user id.
type Ledger struct {
	mu       sync.Mutex
	balances map[string]int64
	history  map[string][]int64
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{
		balances: make(map[string]int64),
		history:  make(map[string][]int64),
	}
}

// Deposit credits cents to user.
func (l *Ledger) Deposit(user string, cents int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[user] += cents
	l.history[user] = append(l.history[user], cents)
}

// balance returns the current balance of user.
func (l *Ledger) balance(user string) int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.balances[user]
}

// debit subtracts cents from user's balance and records the movement.
func (l *Ledger) debit(user string, cents int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.balances[user] -= cents
	l.history[user] = append(l.history[user], -cents)
}

// Spend debits cents from user if the balance covers it.
func (l *Ledger) Spend(user string, cents int64) error {
	if cents <= 0 {
		return fmt.Errorf("invalid amount %d", cents)
	}
	if l.balance(user) < cents { // check
		return ErrInsufficientFunds
	}
	// another Spend for the same user may debit right here
	l.debit(user, cents) // act
	return nil
}

// ServeHTTP handles POST /spend?user=...&cents=...
func (l *Ledger) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	user := r.FormValue("user")
	cents, err := strconv.ParseInt(r.FormValue("cents"), 10, 64)
	if user == "" || err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch err := l.Spend(user, cents); {
	case errors.Is(err, ErrInsufficientFunds):
		http.Error(w, err.Error(), http.StatusPaymentRequired)
	case err != nil:
		http.Error(w, err.Error(), http.StatusBadRequest)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}
