// Package s17 assigns gap-free invoice numbers to orders. [hard]
//
// BUG (check and act are two closures over one counter): newSequence returns
// a peek closure and a commit closure that each lock the captured mutex.
// To keep invoice numbers gap-free (a legal requirement), create peeks the
// next number, validates the order, stores it under that number and only
// then commits number+1. create runs on one goroutine per POST /orders, so
// two concurrent orders both peek the same number: both customers receive
// invoice N, and the second store overwrites the first order in s.orders,
// silently losing a paid order.
package s17

import (
	"encoding/json"
	"errors"
	"net/http"
	"sync"
)

type Order struct {
	Invoice  int64  `json:"invoice"`
	Customer string `json:"customer"`
	Cents    int64  `json:"cents"`
}

func newSequence(start int64) (peek func() int64, commit func(used int64)) {
	var mu sync.Mutex
	next := start
	peek = func() int64 {
		mu.Lock()
		defer mu.Unlock()
		return next
	}
	commit = func(used int64) {
		mu.Lock()
		defer mu.Unlock()
		next = used + 1
	}
	return peek, commit
}

type OrderService struct {
	peekInvoice   func() int64
	commitInvoice func(int64)

	mu     sync.Mutex
	orders map[int64]Order
}

func NewOrderService(firstInvoice int64) *OrderService {
	peek, commit := newSequence(firstInvoice)
	return &OrderService{peekInvoice: peek, commitInvoice: commit, orders: map[int64]Order{}}
}

func validate(o Order) error {
	if o.Customer == "" || o.Cents <= 0 {
		return errors.New("invalid order")
	}
	return nil
}

func (s *OrderService) create(o Order) (Order, error) {
	n := s.peekInvoice()
	if err := validate(o); err != nil {
		return Order{}, err // number not consumed: no gaps
	}
	o.Invoice = n
	s.mu.Lock()
	s.orders[n] = o
	s.mu.Unlock()
	s.commitInvoice(n)
	return o, nil
}

func (s *OrderService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var o Order
	if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	o, err := s.create(o)
	if err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	json.NewEncoder(w).Encode(o)
}
