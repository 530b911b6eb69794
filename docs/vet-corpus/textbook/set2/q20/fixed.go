package q20

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

var (
	ErrUnknownCodeFixed = errors.New("unknown promo code")
	ErrUsedUpFixed      = errors.New("promo code used up")
)

type PromoFixed struct {
	Code      string
	Percent   int
	remaining atomic.Int64
}

// tryUseFixed decrements only if a use is left, via a CompareAndSwap loop.
func (pr *PromoFixed) tryUseFixed() bool {
	for {
		n := pr.remaining.Load()
		if n <= 0 {
			return false
		}
		if pr.remaining.CompareAndSwap(n, n-1) {
			return true
		}
	}
}

// PromosFixed is read by concurrent checkout handlers.
type PromosFixed struct {
	mu    sync.RWMutex
	codes map[string]*PromoFixed
}

func NewPromosFixed() *PromosFixed { return &PromosFixed{codes: make(map[string]*PromoFixed)} }

func (p *PromosFixed) AddFixed(code string, percent int, uses int64) {
	pr := &PromoFixed{Code: code, Percent: percent}
	pr.remaining.Store(uses)
	p.mu.Lock()
	p.codes[code] = pr
	p.mu.Unlock()
}

func (p *PromosFixed) RedeemFixed(code string) (int, error) {
	p.mu.RLock()
	pr, ok := p.codes[code]
	p.mu.RUnlock()
	if !ok {
		return 0, ErrUnknownCodeFixed
	}
	if !pr.tryUseFixed() {
		return 0, ErrUsedUpFixed
	}
	return pr.Percent, nil
}

func (p *PromosFixed) CheckoutHandlerFixed(w http.ResponseWriter, r *http.Request) {
	pct, err := p.RedeemFixed(r.FormValue("promo"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Write([]byte("discount " + strconv.Itoa(pct) + "%\n"))
}
