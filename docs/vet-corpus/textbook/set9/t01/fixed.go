package t01

// Fix: the balance check and the debit are performed inside one critical
// section, so no other Spend can change the balance between them. The locked
// helpers are not composed; SpendFixed takes the lock once and does both.

import "fmt"

// SpendFixed debits cents from user if, and only if, the balance covers it,
// atomically with respect to every other ledger operation.
func (l *Ledger) SpendFixed(user string, cents int64) error {
	if cents <= 0 {
		return fmt.Errorf("invalid amount %d", cents)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.balances[user] < cents {
		return ErrInsufficientFunds
	}
	l.balances[user] -= cents
	l.history[user] = append(l.history[user], -cents)
	return nil
}
