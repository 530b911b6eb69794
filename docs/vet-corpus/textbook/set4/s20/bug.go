// Package s20 manages paid topic subscriptions. The subscription set is
// owned by a single goroutine and accessed only through request channels.
// [hard]
//
// BUG (check and act are two separate channel round-trips): the owner
// goroutine answers IsSubscribed and applies Subscribe one request at a
// time, so each request is atomic, but handleSubscribe asks IsSubscribed,
// charges the customer, and only then sends Subscribe. Requests are served
// on separate goroutines, so a double-click or a client retry produces two
// requests that both get "not subscribed" from the owner before either
// Subscribe arrives: the customer is charged twice for one subscription.
package s20

import (
	"context"
	"net/http"
)

type key struct{ user, topic string }

type query struct {
	key   key
	reply chan bool
}

type Biller interface {
	Charge(ctx context.Context, user string, cents int64) error
}

// Subscriptions is safe for concurrent use; all state lives in run.
type Subscriptions struct {
	queries chan query
	adds    chan key
}

func NewSubscriptions(ctx context.Context) *Subscriptions {
	s := &Subscriptions{queries: make(chan query), adds: make(chan key)}
	go s.run(ctx)
	return s
}

func (s *Subscriptions) run(ctx context.Context) {
	subs := map[key]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-s.queries:
			q.reply <- subs[q.key]
		case k := <-s.adds:
			subs[k] = true
		}
	}
}

func (s *Subscriptions) IsSubscribed(user, topic string) bool {
	q := query{key: key{user, topic}, reply: make(chan bool, 1)}
	s.queries <- q
	return <-q.reply
}

func (s *Subscriptions) Subscribe(user, topic string) { s.adds <- key{user, topic} }

type API struct {
	Subs    *Subscriptions
	Billing Biller
	Price   int64
}

// handleSubscribe serves POST /subscribe?topic=...
func (a *API) handleSubscribe(w http.ResponseWriter, r *http.Request) {
	user, topic := r.Header.Get("X-User"), r.FormValue("topic")
	if a.Subs.IsSubscribed(user, topic) {
		w.WriteHeader(http.StatusOK) // already subscribed, nothing to pay
		return
	}
	if err := a.Billing.Charge(r.Context(), user, a.Price); err != nil {
		http.Error(w, err.Error(), http.StatusPaymentRequired)
		return
	}
	a.Subs.Subscribe(user, topic)
	w.WriteHeader(http.StatusCreated)
}

func (a *API) Routes(mux *http.ServeMux) {
	mux.HandleFunc("POST /subscribe", a.handleSubscribe)
}
