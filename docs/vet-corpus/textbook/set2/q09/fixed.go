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

var ErrSeatTakenFixed = errors.New("seat already taken")

// SeatMapFixed offers an atomic claim instead of separate check and set.
type SeatMapFixed interface {
	Claim(ctx context.Context, seat, ticketID string) error // ErrSeatTakenFixed if held
	Release(ctx context.Context, seat, ticketID string) error
}

type memSeatMapFixed struct {
	mu     sync.Mutex
	holder map[string]string
}

func NewMemSeatMapFixed() SeatMapFixed { return &memSeatMapFixed{holder: make(map[string]string)} }

func (m *memSeatMapFixed) Claim(_ context.Context, seat, ticketID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, taken := m.holder[seat]; taken {
		return ErrSeatTakenFixed
	}
	m.holder[seat] = ticketID
	return nil
}

func (m *memSeatMapFixed) Release(_ context.Context, seat, ticketID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.holder[seat] == ticketID {
		delete(m.holder, seat)
	}
	return nil
}

// BookingServiceFixed handles concurrent HTTP booking requests.
type BookingServiceFixed struct {
	seats    SeatMapFixed
	payments Payments
	price    int64
	seq      atomic.Int64
}

func NewBookingServiceFixed(s SeatMapFixed, p Payments, price int64) *BookingServiceFixed {
	return &BookingServiceFixed{seats: s, payments: p, price: price}
}

// BookFixed claims the seat first and releases it if payment fails.
func (b *BookingServiceFixed) BookFixed(ctx context.Context, seat, user string) (*Ticket, error) {
	t := &Ticket{ID: fmt.Sprintf("T%d", b.seq.Add(1)), Seat: seat, User: user}
	if err := b.seats.Claim(ctx, seat, t.ID); err != nil {
		return nil, err
	}
	if err := b.payments.Charge(ctx, user, b.price); err != nil {
		b.seats.Release(ctx, seat, t.ID)
		return nil, fmt.Errorf("charge: %w", err)
	}
	return t, nil
}

func (b *BookingServiceFixed) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, err := b.BookFixed(r.Context(), r.FormValue("seat"), r.FormValue("user"))
	if errors.Is(err, ErrSeatTakenFixed) {
		http.Error(w, err.Error(), http.StatusConflict)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	json.NewEncoder(w).Encode(t)
}
