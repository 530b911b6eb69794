package t18

// FIX: the availability check and the assignment are done inside one
// write closure, so they run under a single lock acquisition: the seat is
// claimed for the buyer before the card is charged. If the charge fails,
// the claim is rolled back, but only if the seat still belongs to this buyer.

import "context"

// BookFixed claims the seat atomically, then charges.
func (v *Venue) BookFixed(ctx context.Context, pay Payments, seat, buyer string) error {
	var claimed bool
	var price int64
	v.write(func(s *seatMap) {
		p, exists := s.price[seat]
		if !exists || s.owner[seat] != "" {
			return
		}
		s.owner[seat] = buyer
		claimed, price = true, p
	})
	if !claimed {
		return ErrTaken
	}
	if err := pay.Charge(ctx, buyer, price); err != nil {
		v.write(func(s *seatMap) {
			if s.owner[seat] == buyer {
				delete(s.owner, seat)
			}
		})
		return err
	}
	return nil
}
