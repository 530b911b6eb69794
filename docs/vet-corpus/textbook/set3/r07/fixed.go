package r07

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

// WalletFixed debits with a compare-and-swap loop, so the balance that was
// checked is exactly the balance that is replaced.
type WalletFixed struct {
	balance atomic.Int64
}

func (w *WalletFixed) Deposit(n int64) { w.balance.Add(n) }

func (w *WalletFixed) Balance() int64 { return w.balance.Load() }

func (w *WalletFixed) Spend(price int64) error {
	for {
		cur := w.balance.Load()
		if cur < price {
			return ErrInsufficientFunds
		}
		if w.balance.CompareAndSwap(cur, cur-price) {
			return nil
		}
	}
}

type ShopFixed struct {
	mu      sync.Mutex
	wallets map[string]*WalletFixed
	grant   func(player string, price int64)
}

func NewShopFixed(grant func(player string, price int64)) *ShopFixed {
	return &ShopFixed{wallets: make(map[string]*WalletFixed), grant: grant}
}

func (s *ShopFixed) wallet(player string) *WalletFixed {
	s.mu.Lock()
	defer s.mu.Unlock()
	w, ok := s.wallets[player]
	if !ok {
		w = &WalletFixed{}
		s.wallets[player] = w
	}
	return w
}

func (s *ShopFixed) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
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
