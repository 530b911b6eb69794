package s03

// DebitFixed makes check and subtract one atomic step: the subtraction only
// happens if the balance is still exactly the value that was checked.
func (w *Wallet) DebitFixed(cents int64) error {
	for {
		cur := w.balance.Load()
		if cur < cents {
			return ErrInsufficientFunds
		}
		if w.balance.CompareAndSwap(cur, cur-cents) {
			return nil
		}
	}
}
