// Package q09 is the booking service of a cinema ticketing system. Seat state
// lives behind the SeatMap interface so it can be backed by memory or Redis.
//
// BUG: Book asks the SeatMap whether the seat is free and, in a second call,
// assigns it. Two customers booking the same seat concurrently both see it
// free; both are charged and both receive a ticket, and the second Assign
// silently overwrites the first holder: the seat is sold twice.
package q09

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
)

var ErrSeatTaken = errors.New("seat already taken")

// SeatMap stores which ticket holds each seat. Implementations must be safe
// for concurrent use.
type SeatMap interface {
	IsFree(ctx context.Context, seat string) (bool, error)
	Assign(ctx context.Context, seat, ticketID string) error
}

type memSeatMap struct {
	mu     sync.Mutex
	holder map[string]string
}

func NewMemSeatMap() SeatMap { return &memSeatMap{holder: make(map[string]string)} }

func (m *memSeatMap) IsFree(_ context.Context, seat string) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, taken := m.holder[seat]
	return !taken, nil
}

func (m *memSeatMap) Assign(_ context.Context, seat, ticketID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.holder[seat] = ticketID
	return nil
}

type Payments interface {
	Charge(ctx context.Context, user string, cents int64) error
}

type Ticket struct {
	ID   string `json:"id"`
	Seat string `json:"seat"`
	User string `json:"user"`
}

// BookingService handles concurrent HTTP booking requests.
type BookingService struct {
	seats    SeatMap
	payments Payments
	price    int64
	seq      atomic.Int64
}

func NewBookingService(s SeatMap, p Payments, price int64) *BookingService {
	return &BookingService{seats: s, payments: p, price: price}
}

func (b *BookingService) Book(ctx context.Context, seat, user string) (*Ticket, error) {
	free, err := b.seats.IsFree(ctx, seat)
	if err != nil {
		return nil, err
	}
	if !free {
		return nil, ErrSeatTaken
	}
	if err := b.payments.Charge(ctx, user, b.price); err != nil {
		return nil, fmt.Errorf("charge: %w", err)
	}
	t := &Ticket{ID: fmt.Sprintf("T%d", b.seq.Add(1)), Seat: seat, User: user}
	if err := b.seats.Assign(ctx, seat, t.ID); err != nil {
		return nil, err
	}
	return t, nil
}

func (b *BookingService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := b.Book(r.Context(), r.FormValue("seat"), r.FormValue("user"))
	if errors.Is(err, ErrSeatTaken) {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(t)
}
