package p20

import "sync"

// WalletFixed is safe for concurrent use.
type WalletFixed struct {
	ID string

	mu      sync.Mutex
	balance int64
}

// TransferFixed moves amount from one wallet to another; the check and the
// debit happen in one critical section.
func TransferFixed(from, to *WalletFixed, amount int64) error {
	from.mu.Lock()
	if from.balance < amount {
		from.mu.Unlock()
		return ErrInsufficient
	}
	from.balance -= amount
	from.mu.Unlock()

	to.mu.Lock()
	to.balance += amount
	to.mu.Unlock()
	return nil
}
