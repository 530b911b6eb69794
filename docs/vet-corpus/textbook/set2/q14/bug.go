// Package q14 is a retry budget for an HTTP client: every successful request
// deposits a token, every retry must withdraw one, so retries are throttled
// while the backend is failing.
//
// BUG: TryWithdraw checks len(tokens) > 0 and then does a blocking receive.
// Two request goroutines can both see the last token; the loser blocks on the
// receive instead of being refused. While the backend is down nothing succeeds,
// so no token is ever deposited and the goroutine (and its caller's request)
// hangs forever - one leaked goroutine per lost race.
package q14

import (
	"errors"
	"net/http"
)

var ErrNoBudget = errors.New("retry budget exhausted")

// Budget is shared by all goroutines using a Client.
type Budget struct {
	tokens chan struct{}
}

func NewBudget(max int) *Budget {
	b := &Budget{tokens: make(chan struct{}, max)}
	for i := 0; i < max; i++ {
		b.tokens <- struct{}{}
	}
	return b
}

func (b *Budget) Deposit() {
	select {
	case b.tokens <- struct{}{}:
	default: // full
	}
}

func (b *Budget) TryWithdraw() bool {
	if len(b.tokens) == 0 {
		return false
	}
	<-b.tokens
	return true
}

type Client struct {
	HTTP   *http.Client
	Budget *Budget
}

// Get performs req, retrying once if the budget allows.
func (c *Client) Get(url string) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		resp, err := c.HTTP.Get(url)
		if err == nil && resp.StatusCode < 500 {
			c.Budget.Deposit()
			return resp, nil
		}
		if resp != nil {
			resp.Body.Close()
		}
		if attempt >= 3 || !c.Budget.TryWithdraw() {
			if err == nil {
				err = ErrNoBudget
			}
			return nil, err
		}
	}
}
