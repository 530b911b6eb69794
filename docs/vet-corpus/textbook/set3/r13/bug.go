// Package r13 books concert seats. All seat state is owned by a single
// goroutine (Venue.run) and accessed only by messages over channels — "share
// memory by communicating" — so there is no data race on the map.
//
// BUG (check-then-act across goroutines via channels): Venue.Book first sends
// an isFree query and waits for the owner's answer, then, if the seat was
// free, sends a separate claim message. The owner handles each message
// atomically, but nothing ties the claim to the earlier answer. Book is
// called from concurrent checkout HTTP handlers; two customers picking the
// same seat both get "free", both send claims, the owner applies both (the
// second overwrites the first), and both customers are told their booking
// succeeded. Two tickets are sold for one seat; the first customer finds
// out at the venue door.
package r13

import (
	"context"
	"errors"
)

var ErrSeatTaken = errors.New("venue: seat already booked")

type isFreeMsg struct {
	seat  int
	reply chan bool
}

type claimMsg struct {
	seat     int
	customer string
}

type Venue struct {
	queries chan isFreeMsg
	claims  chan claimMsg
}

// NewVenue starts the owner goroutine; it stops when ctx is cancelled.
func NewVenue(ctx context.Context) *Venue {
	v := &Venue{queries: make(chan isFreeMsg), claims: make(chan claimMsg)}
	go v.run(ctx)
	return v
}

func (v *Venue) run(ctx context.Context) {
	booked := make(map[int]string) // seat -> customer; owned by this goroutine
	for {
		select {
		case <-ctx.Done():
			return
		case q := <-v.queries:
			_, taken := booked[q.seat]
			q.reply <- !taken
		case c := <-v.claims:
			booked[c.seat] = c.customer
		}
	}
}

func (v *Venue) isFree(ctx context.Context, seat int) (bool, error) {
	reply := make(chan bool, 1)
	select {
	case v.queries <- isFreeMsg{seat: seat, reply: reply}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	select {
	case free := <-reply:
		return free, nil
	case <-ctx.Done():
		return false, ctx.Err()
	}
}

// Book reserves seat for customer. It is called from request handlers.
func (v *Venue) Book(ctx context.Context, seat int, customer string) error {
	free, err := v.isFree(ctx, seat)
	if err != nil {
		return err
	}
	if !free {
		return ErrSeatTaken
	}
	select {
	case v.claims <- claimMsg{seat: seat, customer: customer}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
