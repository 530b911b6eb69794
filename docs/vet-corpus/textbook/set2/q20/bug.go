// Package q20 redeems limited-use promo codes at checkout.
//
// BUG: Redeem checks remaining.Load() > 0 and then decrements with Add(-1).
// When a popular code is down to its last use, many concurrent checkouts pass
// the check and all decrement: the code is redeemed more times than the
// marketing budget allows (remaining goes negative), and every extra discount
// is real money lost.
package q20

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
)

var (
	ErrUnknownCode = errors.New("unknown promo code")
	ErrUsedUp      = errors.New("promo code used up")
)

type Promo struct {
	Code      string
	Percent   int
	remaining atomic.Int64
}

// Promos is read by concurrent checkout handlers.
type Promos struct {
	mu    sync.RWMutex
	codes map[string]*Promo
}

func NewPromos() *Promos { return &Promos{codes: make(map[string]*Promo)} }

func (p *Promos) Add(code string, percent int, uses int64) {
	pr := &Promo{Code: code, Percent: percent}
	pr.remaining.Store(uses)
	p.mu.Lock()
	p.codes[code] = pr
	p.mu.Unlock()
}

func (p *Promos) get(code string) (*Promo, error) {
	p.mu.RLock()
	defer p.mu.RUnlock()
	pr, ok := p.codes[code]
	if !ok {
		return nil, ErrUnknownCode
	}
	return pr, nil
}

// Redeem consumes one use of code and returns its discount percentage.
func (p *Promos) Redeem(code string) (int, error) {
	pr, err := p.get(code)
	if err != nil {
		return 0, err
	}
	if pr.remaining.Load() <= 0 {
		return 0, ErrUsedUp
	}
	pr.remaining.Add(-1)
	return pr.Percent, nil
}

func (p *Promos) CheckoutHandler(w http.ResponseWriter, r *http.Request) {
	pct, err := p.Redeem(r.FormValue("promo"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Write([]byte("discount " + strconv.Itoa(pct) + "%\n"))
}
