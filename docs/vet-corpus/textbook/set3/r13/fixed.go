package r13

import "context"

// bookMsgFixed carries the whole check-and-claim to the owner goroutine,
// which performs both while handling one message.
type bookMsgFixed struct {
	seat     int
	customer string
	reply    chan error
}

type VenueFixed struct {
	books chan bookMsgFixed
}

func NewVenueFixed(ctx context.Context) *VenueFixed {
	v := &VenueFixed{books: make(chan bookMsgFixed)}
	go v.run(ctx)
	return v
}

func (v *VenueFixed) run(ctx context.Context) {
	booked := make(map[int]string)
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-v.books:
			if _, taken := booked[b.seat]; taken {
				b.reply <- ErrSeatTaken
				continue
			}
			booked[b.seat] = b.customer
			b.reply <- nil
		}
	}
}

func (v *VenueFixed) Book(ctx context.Context, seat int, customer string) error {
	reply := make(chan error, 1)
	select {
	case v.books <- bookMsgFixed{seat: seat, customer: customer, reply: reply}:
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once the owner accepted the message it always answers (reply is
	// buffered), so wait for the verdict even if ctx ends meanwhile.
	return <-reply
}
