// Fix: the store gets an Update method that runs the read, the funds check
// and the write-back on the map entry inside one critical section, and Spend
// goes through it; there is no longer a window between reading
// the balance and storing the new one.

package t11

// UpdateFixed applies fn to the wallet under the store lock and stores the
// result if fn succeeds.
func (s *Store) UpdateFixed(id string, fn func(*Wallet) error) (Wallet, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.wallets[id]
	if !ok {
		return Wallet{}, ErrNotFound
	}
	if err := fn(&w); err != nil {
		return w, err
	}
	s.wallets[id] = w
	return w, nil
}

// SpendFixed debits amount cents from the wallet and returns the new balance.
func (svc *Service) SpendFixed(id string, amount int64) (int64, error) {
	w, err := svc.store.UpdateFixed(id, func(w *Wallet) error {
		if err := checkFunds(*w, amount); err != nil {
			return err
		}
		w.Balance -= amount
		w.Version++
		w.Updated = svc.now()
		return nil
	})
	return w.Balance, err
}
