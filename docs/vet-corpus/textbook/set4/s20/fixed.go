package s20

import (
	"context"
	"net/http"
)

// claimReq asks the owner to mark key subscribed if it is not yet; the reply
// says whether this request did it. cancel undoes a claim whose charge failed.
type claimReq struct {
	key   key
	reply chan bool
}

type SubscriptionsFixed struct {
	claims  chan claimReq
	cancels chan key
}

func NewSubscriptionsFixed(ctx context.Context) *SubscriptionsFixed {
	s := &SubscriptionsFixed{claims: make(chan claimReq), cancels: make(chan key)}
	go s.run(ctx)
	return s
}

func (s *SubscriptionsFixed) run(ctx context.Context) {
	subs := map[key]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-s.claims:
			if subs[c.key] {
				c.reply <- false
				continue
			}
			subs[c.key] = true
			c.reply <- true
		case k := <-s.cancels:
			delete(subs, k)
		}
	}
}

// Claim checks and subscribes in one request handled by the owner goroutine.
func (s *SubscriptionsFixed) Claim(user, topic string) bool {
	c := claimReq{key: key{user, topic}, reply: make(chan bool, 1)}
	s.claims <- c
	return <-c.reply
}

func (s *SubscriptionsFixed) Cancel(user, topic string) { s.cancels <- key{user, topic} }

type APIFixed struct {
	Subs    *SubscriptionsFixed
	Billing Biller
	Price   int64
}

func (a *APIFixed) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	user, topic := r.Header.Get("X-User"), r.FormValue("topic")
	if !a.Subs.Claim(user, topic) {
		w.WriteHeader(http.StatusOK) // already subscribed (or being paid for)
		return
	}
	if err := a.Billing.Charge(r.Context(), user, a.Price); err != nil {
		a.Subs.Cancel(user, topic)
		http.Error(w, err.Error(), http.StatusPaymentRequired)
		return
	}
	w.WriteHeader(http.StatusCreated)
}

func (a *APIFixed) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /subscribe", a.handleSubscribe)
}
