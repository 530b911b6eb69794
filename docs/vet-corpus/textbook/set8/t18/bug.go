// Package t18 [hard] implements seat reservation for a concert ticketing
// service. The venue's seat map is private state that may only be touched
// through two helpers that take closures: read(fn) runs fn under the read
// lock, write(fn) under the write lock. Code reviews check that no one
// touches the map outside those helpers, so the package "has no races".
//
// Concurrency: POST /book runs on a per-request goroutine; when sales open,
// thousands of buyers hit the same popular seats at once.
//
// BUG: Book runs one closure through read (CHECK: seat unassigned) and
// then, after charging the card, a second closure through write (ACT:
// assign the seat to the buyer). Each closure is correctly locked, but the
// lock is released between them; two buyers both see the seat free, both
// are charged, and the second write overwrites the first assignment.
//
// HARM: double booking: two customers pay for the same seat; the first
// one's ticket is silently reassigned, so they are turned away at the gate
// and the venue has to refund and compensate.
package t18

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync"
)

var ErrTaken = errors.New("seat already taken")

type seatMap struct {
	owner map[string]string // seat -> buyer ("" / absent = free)
	price map[string]int64
}

// Venue guards its seat map with closure helpers.
type Venue struct {
	mu sync.RWMutex
	s  seatMap
}

func NewVenue(prices map[string]int64) *Venue {
	return &Venue{s: seatMap{owner: make(map[string]string), price: prices}}
}

func (v *Venue) read(fn func(*seatMap)) {
	v.mu.RLock()
	defer v.mu.RUnlock()
	fn(&v.s)
}

func (v *Venue) write(fn func(*seatMap)) {
	v.mu.Lock()
	defer v.mu.Unlock()
	fn(&v.s)
}

// Payments charges cards.
type Payments interface {
	Charge(ctx context.Context, buyer string, cents int64) error
}

// Book assigns seat to buyer and charges them.
func (v *Venue) Book(ctx context.Context, pay Payments, seat, buyer string) error {
	var free bool
	var price int64
	v.read(func(s *seatMap) { // CHECK
		p, exists := s.price[seat]
		free = exists && s.owner[seat] == ""
		price = p
	})
	if !free {
		return ErrTaken
	}
	if err := pay.Charge(ctx, buyer, price); err != nil {
		return err
	}
	v.write(func(s *seatMap) { // ACT: overwrites whoever booked meanwhile
		s.owner[seat] = buyer
	})
	return nil
}

type bookReq struct {
	Seat  string `json:"seat"`
	Buyer string `json:"buyer"`
}

// Handler returns the POST /book handler.
func (v *Venue) Handler(pay Payments) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var req bookReq
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		switch err := v.Book(r.Context(), pay, req.Seat, req.Buyer); {
		case errors.Is(err, ErrTaken):
			http.Error(w, err.Error(), http.StatusConflict)
		case err != nil:
			http.Error(w, err.Error(), http.StatusPaymentRequired)
		default:
			w.WriteHeader(http.StatusCreated)
		}
	}
}
