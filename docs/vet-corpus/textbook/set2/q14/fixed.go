package q14

import (
	"errors"
	"net/http"
)

var ErrNoBudgetFixed = errors.New("retry budget exhausted")

// BudgetFixed is shared by all goroutines using a ClientFixed.
type BudgetFixed struct {
	tokens chan struct{}
}

func NewBudgetFixed(max int) *BudgetFixed {
	b := &BudgetFixed{tokens: make(chan struct{}, max)}
	for i := 0; i < max; i++ {
		b.tokens <- struct{}{}
	}
	return b
}

func (b *BudgetFixed) DepositFixed() {
	select {
	case b.tokens <- struct{}{}:
	default:
	}
}

// TryWithdrawFixed is a non-blocking receive: check and take are one operation.
func (b *BudgetFixed) TryWithdrawFixed() bool {
	select {
	case <-b.tokens:
		return true
	default:
		return false
	}
}

type ClientFixed struct {
	HTTP   *http.Client
	Budget *BudgetFixed
}

func (c *ClientFixed) GetFixed(url string) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.HTTP.Get(url)
		if err == nil && resp.StatusCode < 500 {
			c.Budget.DepositFixed()
			return resp, nil
		}
		if resp != nil {
			resp.Body.Close()
		}
		if attempt >= 3 || !c.Budget.TryWithdrawFixed() {
			if err == nil {
				err = ErrNoBudgetFixed
			}
			return nil, err
		}
	}
}
