package s17

import (
	"encoding/json"
	"net/http"
	"sync"
)

// newSequenceFixed returns a single closure that reads and advances the
// counter in one critical section.
func newSequenceFixed(start int64) (take func() int64) {
	var mu sync.Mutex
	next := start
	return func() int64 {
		mu.Lock()
		defer mu.Unlock()
		n := next
		next++
		return n
	}
}

type OrderServiceFixed struct {
	takeInvoice func() int64

	mu     sync.Mutex
	orders map[int64]Order
}

func NewOrderServiceFixed(firstInvoice int64) *OrderServiceFixed {
	return &OrderServiceFixed{takeInvoice: newSequenceFixed(firstInvoice), orders: map[int64]Order{}}
}

// create validates first and only then takes a number; nothing after the
// take can fail, so numbering stays gap-free and every number is unique.
func (s *OrderServiceFixed) create(o Order) (Order, error) {
	if err := validate(o); err != nil {
		return Order{}, err
	}
	o.Invoice = s.takeInvoice()
	s.mu.Lock()
	s.orders[o.Invoice] = o
	s.mu.Unlock()
	return o, nil
}

func (s *OrderServiceFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
